"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise an outbox folder under instance/."""
from __future__ import annotations

import logging
import smtplib
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

logger = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send a plain-text email (or write it to the outbox when no mail server is configured).

    A mail server that is down is logged, not raised: the page the user sees must not depend on it.
    """
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@offerready>"
    message.set_content(body)

    if config["MAIL_SERVER"]:
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
                if config["MAIL_USE_TLS"]:
                    smtp.starttls()
                if config["MAIL_USERNAME"]:
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError):
            logger.exception("mail could not be sent via SMTP: %s", subject)
            return False
        logger.info("mail sent via SMTP: %s", subject)
        return True

    outbox = Path(config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    logger.info("mail written to outbox (no MAIL_SERVER configured): %s -> %s", subject, path)
    return True


def outbox_messages(limit: int = 20) -> list[tuple[str, EmailMessage]]:
    """The newest messages in the outbox folder, newest first (development aid and tests)."""
    from email import message_from_bytes, policy

    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    if not outbox.is_dir():
        return []
    files = sorted(outbox.glob("*.eml"), reverse=True)[:limit]
    return [(f.name, message_from_bytes(f.read_bytes(), policy=policy.default)) for f in files]  # type: ignore[misc]
