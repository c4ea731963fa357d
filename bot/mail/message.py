"""One minutes mail: subject (forum, meeting date, version), a plain-text body (the minutes as text, with a
short note for a correction) and the Word file attached, in the language the row was queued in."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date
from email.utils import make_msgid

from bot.services.minutes_export import MinutesDocuments
from dialogs.documents.minutes import minutes_file_name
from dialogs.documents.word import DOCX_CONTENT_TYPE
from dialogs.texts import for_language
from dialogs.texts.formatting import format_date
from domain.mail import QueuedMail
from domain.minutes import PublishedVersion


def minutes_subject(version: PublishedVersion, language: str) -> str:
    t = for_language(language)
    frame = version.frame
    day = format_date(t, frame.meeting_date)
    if version.corrected:
        return t("mail.subject_corrected", forum=frame.forum_name, date=day, version=version.version)
    return t("mail.subject", forum=frame.forum_name, date=day)


def minutes_message(mail: QueuedMail, version: PublishedVersion, *, sender: str, template: str = "") -> EmailMessage:
    t = for_language(mail.language)
    frame = version.frame
    documents = MinutesDocuments(version, t, template)
    intro = [t("mail.intro", forum=frame.forum_name, date=format_date(t, frame.meeting_date))]
    if version.corrected:
        corrected_on = version.published_at.date()
        intro.append(t("mail.correction_intro", date=format_date(t, corrected_on),
                       note=" ".join(version.correction_note.split())))
    body = "\n\n".join([*intro, documents.text().rstrip("\n"), "-- ", t("mail.footer", forum=frame.forum_name)])
    message = EmailMessage()
    message["Subject"] = " ".join(minutes_subject(version, mail.language).split())
    message["From"] = sender
    message["To"] = mail.address
    message["Date"] = rfc2822_date(version.published_at)
    message["Message-ID"] = make_msgid(idstring=f"forumbot-{mail.id}", domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = "sv-SE" if mail.language == "sv" else "en-GB"
    message.set_content(body, subtype="plain", charset="utf-8")
    maintype, subtype = DOCX_CONTENT_TYPE.split("/", 1)
    message.add_attachment(documents.docx(), maintype=maintype, subtype=subtype,
                           filename=minutes_file_name(version, "docx"))
    return message
