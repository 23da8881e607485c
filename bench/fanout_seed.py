"""Seed the benchmark database (role of `ws_fanout.py`): one office, N companies, per company
`clients` client users and `staff` accountants assigned to that company only.

Prints one JSON line: {"users": [[user_id, company_id, "client"|"staff"], ...]}; with `--threads`
(bench/chat.py) each company also gets its permanent chat thread, listed as
"threads": {company_id: thread_id}.
"""

from __future__ import annotations

import argparse
import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, required=True)
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--staff", type=int, required=True)
    parser.add_argument(
        "--threads", action="store_true", help="make each company's permanent chat thread too"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from server.accounts.models import User
    from server.tenancy.models import (
        Assignment,
        ClientRole,
        Company,
        CompanyMember,
        Office,
        OfficeMember,
        StaffRole,
    )

    unusable = make_password(None)  # nobody signs in with a password; the bench uses tickets
    with transaction.atomic():
        office = Office.objects.create(name="Bench office")
        companies = Company.objects.bulk_create(
            Company(office=office, name=f"Bench company {i:04d}", country="BE")
            for i in range(args.companies)
        )
        users: list[tuple[User, Company, str]] = []
        for company in companies:
            for kind, count in (("client", args.clients), ("staff", args.staff)):
                for j in range(count):
                    email = f"{kind}{j}.c{company.pk}@bench.test"
                    users.append((User(email=email, password=unusable), company, kind))
        User.objects.bulk_create(user for user, _, _ in users)
        CompanyMember.objects.bulk_create(
            CompanyMember(company=company, user=user, role=ClientRole.MEMBER)
            for user, company, kind in users
            if kind == "client"
        )
        staff = [(user, company) for user, company, kind in users if kind == "staff"]
        OfficeMember.objects.bulk_create(
            OfficeMember(office=office, user=user, role=StaffRole.ACCOUNTANT) for user, _ in staff
        )
        Assignment.objects.bulk_create(Assignment(company=c, user=u) for u, c in staff)
        # bulk_create sends no company_created signal: no deadlines, and no thread unless asked.
        threads = {}
        if args.threads:
            from chat.services import thread_permanent_ensure

            threads = {c.pk: thread_permanent_ensure(company=c).pk for c in companies}
    seeded: dict[str, object] = {
        "users": [[user.pk, company.pk, kind] for user, company, kind in users]
    }
    if args.threads:
        seeded["threads"] = threads
    print(json.dumps(seeded))


if __name__ == "__main__":
    main()
