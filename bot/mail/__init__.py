"""Sending the minutes mail queue over SMTP (aiosmtplib, STARTTLS): `worker.MailWorker` claims due rows,
`message.minutes_message` renders each from the stored published version, `smtp.SmtpTransport` sends it and
says whether a failure is worth retrying."""
