"""Slack's request signature (v0, five minutes), checked as Bolt does, logged without the body.

Bolt's own check logs every refused request at INFO with its whole body and signature. A real
Slack request is refused too when the server's clock is more than five minutes off: the log
(INFO is the default level) then held every command's text — follow-ups as people wrote them —
and the response_url that lets anyone answer in their name. The refusal is the same 401; the
log says only why.
"""

from __future__ import annotations

import logging
import time

from slack_bolt.middleware.request_verification import RequestVerification

log = logging.getLogger(__name__)

TOLERANCE_S = 5 * 60  # Slack's: a request older (or newer) than this is refused


class QuietRequestVerification(RequestVerification):
    def _debug_log_error(self, signature: str, timestamp: str, body: str) -> None:
        try:
            skew = abs(time.time() - int(timestamp))
        except (TypeError, ValueError):
            skew = None
        if not signature:
            why = "no signature"
        elif skew is None:
            why = "no usable timestamp"
        elif skew > TOLERANCE_S:
            # Slack signs with its own clock: a server clock this far off refuses everything.
            why = f"timestamp {int(skew)} s away from this server's clock"
        else:
            why = "signature does not match the signing secret"
        log.info("refused a request with an invalid signature (%s, %d bytes)", why, len(body))
