from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 still (the hashes say so), with the cheapest parameters: tests create many users."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1
