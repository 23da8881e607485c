"""The words the chat scripts show, translated on the server (see strings.py)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CHAT: dict[str, Promise] = {
    "general": _("General"),
    "unreadLabel": _("Unread:"),
    "loading": _("Loading…"),
    "loadFailed": _("This could not be loaded. Check the connection and reload the page."),
    "noMessages": _("No messages yet. Write the first one."),
    "olderLoad": _("Load older messages"),
    "chooseThread": _("Choose a conversation."),
    "unread": _("{count} unread"),
    "sending": _("Sending…"),
    "notSent": _("Not sent yet: it goes out when the connection is back."),
    "sendFailed": _("The message was not sent: {reason}"),
    "deleted": _("Message deleted"),
    "edited": _("edited"),
    "internalNote": _("Internal note"),
    "reply": _("Reply"),
    "replyingTo": _("Replying to {name}"),
    "cancelReply": _("Cancel the reply"),
    "edit": _("Edit"),
    "editSave": _("Save"),
    "editCancel": _("Cancel"),
    "delete": _("Delete"),
    "deleteConfirm": _("Delete this message?"),
    "typing": _("{name} is typing…"),
    "seenBy": _("Seen by {names}"),
    "attachment": _("Attachment: {name}"),
    "uploading": _("Uploading {name}…"),
    "uploadFailed": _("{name} was not sent: {reason}"),
    "request": _("Make a request"),
    "requestTitle": _("What the client should do"),
    "requestDue": _("Due date"),
    "requestCreate": _("Create the request"),
    "requestCreated": _("Request created."),
    "openRequests": _("Open requests"),
    "noRequests": _("Nothing is asked of you right now."),
    "requestDone": _("Mark as done"),
    "newMessage": _("New message from {name}"),
}

DISCUSS: dict[str, Promise] = {
    "discuss": _("Discuss"),
    "discussFailed": _("The conversation could not be opened."),
}
