"""The words the page scripts show, translated here so that the scripts carry no text.

`{name}` marks a value the script fills in. Each dict is rendered into the page as a JSON block.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DOSSIER: dict[str, Promise] = {
    # Folders
    "allDocuments": _("All documents"),
    "officeOnly": _("Office only"),
    "readOnlyForClients": _("Read-only for clients"),
    "readOnly": _("Read-only"),
    # Adding files
    "chooseFolder": _("Choose a folder to add files to it."),
    "leaveTrashToUpload": _("Leave the trash to add files."),
    "officeFillsFolder": _("Only the office adds files to this folder."),
    "filesGoTo": _("New files go to “{folder}”."),
    "uploadedCount": _("Uploaded: {done} of {total}."),
    "uploadingName": _("Uploading {name}"),
    "waiting": _("Waiting…"),
    "percent": _("{percent} %"),
    "uploaded": _("Uploaded"),
    "failed": _("Not uploaded"),
    "cancel": _("Cancel"),
    "cancelName": _("Cancel the upload of {name}"),
    "remove": _("Remove"),
    "removeName": _("Remove {name} from this list"),
    "uploadCancelled": _("The upload was cancelled."),
    "uploadFailed": _("The upload failed. Check the connection and try again."),
    "fileEmpty": _("{name} is empty."),
    "fileTooLarge": _("{name} is larger than {size}; send a smaller file."),
    # The list
    "loading": _("Loading…"),
    "loadFailed": _("This could not be loaded. Check the connection and reload the page."),
    "noDocuments": _("No documents here yet."),
    "trashEmpty": _("The trash is empty."),
    "dueOn": _("due {date}"),
    "awaitingConfirmation": _("Awaiting confirmation"),
    # The pane
    "document": _("Document"),
    "chooseDocument": _("Choose a document to see it here."),
    "documentGone": _("This document is no longer available."),
    "inFolder": _("In “{folder}”"),
    "actionFailed": _("That did not work. Check the connection and try again."),
    "noContent": _("This document has no file."),
    "noPreview": _("No preview yet."),
    "previewOf": _("Preview of {name}"),
    "download": _("Download"),
    "inbox": _("Inbox"),
    "toInbox": _("Put in the inbox"),
    "startBooking": _("Start booking"),
    "markBooked": _("Mark as booked"),
    "archive": _("Archive"),
    "backToNew": _("Back to new"),
    "reopen": _("Reopen"),
    "rejectOpen": _("Reject…"),
    "reject": _("Reject"),
    "rejectReason": _("Why is it rejected?"),
    "rejectHint": _("The client sees this reason."),
    "rejectReasonMissing": _("Say why the document is rejected; the client sees it."),
    "rejectedBecause": _("Reason:"),
    "publish": _("Publish to the client"),
    "published": _("Published"),
    "publishedOn": _("Published by the office on {date}."),
    "publishNote": _("Note for the client"),
    "ackRequired": _("The client must confirm receipt"),
    "publishButton": _("Publish"),
    "publishAgain": _("Publish again"),
    "internalCannotPublish": _(
        "This folder is for the office only. Move the document to a shared folder to publish it."
    ),
    "confirmHint": _("The office asks you to confirm that you received this document."),
    "confirm": _("Confirm"),
    "confirmedBy": _("Confirmed by {name} on {date}."),
    "notConfirmedYet": _("The client has not confirmed it yet."),
    "someone": _("someone"),
    "details": _("Details"),
    "name": _("Name"),
    "kind": _("Kind"),
    "amount": _("Amount"),
    "amountHint": _("For example 121.50"),
    "currency": _("Currency"),
    "dueDate": _("Due date"),
    "supplier": _("Supplier"),
    "note": _("Note"),
    "save": _("Save"),
    "saved": _("Saved."),
    "versions": _("Versions"),
    "versionNumber": _("Version {number}"),
    "downloadVersion": _("Download version {number}"),
    "uploadNewVersion": _("Upload a new version"),
    "uploadingNewVersion": _("Uploading the new version"),
    "accessHistory": _("Who opened it"),
    "accessDownload": _("{name} downloaded version {number}, {date}"),
    "accessPreview": _("{name} viewed the preview of version {number}, {date}"),
    "accessNone": _("Nobody has opened it yet."),
    "moveToTrash": _("Move to the trash"),
    "restore": _("Restore"),
    "inTrashSince": _("In the trash since {date}."),
}

INBOX: dict[str, Promise] = {
    "waiting": _("Documents waiting: {count}"),
    "nothing": _("Nothing is waiting."),
}

# live.js, on every signed-in page (base.html renders them through the `live_strings` tag).
LIVE: dict[str, Promise] = {
    "accessLost": _("You no longer have access to this company."),
    "home": _("Go to the home page"),
}


def translated(strings: dict[str, Promise]) -> dict[str, str]:
    """The strings in the language of the current request."""
    return {key: str(text) for key, text in strings.items()}
