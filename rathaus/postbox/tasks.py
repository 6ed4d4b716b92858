"""Background work of the postbox, run by the worker. Tasks take ids and may run twice without harm."""

from django_tasks import task

from . import notifications


@task()
def message_notify(*, message_id: str) -> bool:
    """E-mail the other side that a new message is waiting, without any personal data; at most once."""
    return notifications.message_notify(message_id=message_id)
