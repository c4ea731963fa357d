"""A fake Bot Connector on 127.0.0.1: records every request and answers like the Teams connector.

Point a conversation reference's `serviceUrl` (or an inbound activity's) at `connector.url` and run the bot
with an empty app id: botbuilder then sends no token, so plain http works (docs/teams-platform.md). Settings
must allow the loopback host (local mode allows it).

Routes (any path prefix before `v3/` is accepted, so `http://127.0.0.1:PORT/emea/` works as a service URL;
repeated slashes are tolerated because msrest joins `serviceUrl + '/' + 'v3/…'`):

* `POST /v3/conversations/{id}/activities[/{replyToId}]` → `{"id": "<generated>"}`
* `PUT /v3/conversations/{id}/activities/{activityId}` → `{"id": activityId}`
* `DELETE /v3/conversations/{id}/activities/{activityId}` → 200
* `POST /v3/conversations` → `{"id": "a:new-<n>", "activityId": "<n>", "serviceUrl": url}`
* `GET /v3/conversations/{id}/pagedmembers[?pageSize=&continuationToken=]`,
  `GET /v3/conversations/{id}/members`, `GET /v3/conversations/{id}/members/{memberId}` → the configurable
  roster (TeamsChannelAccount shapes)
* `GET /v3/teams/{teamId}` → team details; `GET /v3/teams/{teamId}/conversations` → channels

Failures are scripted with `fail_next`, `fail_randomly`, `hang_next` and `throttle`; see their docstrings. Every
request records when it arrived (`at`, from the `clock` passed in, else the wall clock), so tests can check
that nothing was sent to a conversation before its Retry-After had passed (`early_requests`).
"""

from devtools.fake_connector.records import DEFAULT_ERROR_CODES, DEFAULT_ROSTER, RecordedRequest
from devtools.fake_connector.server import FakeConnector, running_fake_connector

__all__ = [
    "DEFAULT_ERROR_CODES",
    "DEFAULT_ROSTER",
    "FakeConnector",
    "RecordedRequest",
    "running_fake_connector",
]
