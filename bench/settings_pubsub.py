"""Bench-only settings for `ws_fanout.py --layer pubsub`: Kontor's settings with the channel layer
swapped for channels_redis' `RedisPubSubChannelLayer` (group_send = one PUBLISH; each daphne
process holds one subscription and fans out in process). An experiment, not a deployment setting.
"""

from server.settings import *  # noqa: F403
from server.settings import REDIS_URL, _env

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": _env("KONTOR_CHANNEL_PREFIX", "kontor")},
    }
}
