"""The words the calendar scripts show, translated here (see frontend/strings.py)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CALENDAR: dict[str, Promise] = {
    "loading": _("Loading…"),
    "loadFailed": _("The calendar could not be loaded. Check the connection and reload the page."),
    "actionFailed": _("That did not work. Check the connection and try again."),
    "nothingUpcoming": _("Nothing is planned."),
    "nothingThisDay": _("Nothing on this day."),
    "nothingMatches": _("No events match these filters."),
    "today": _("Today"),
    "edit": _("Edit"),
    "discuss": _("Discuss"),
    "discussNamed": _("Discuss “{title}”"),
    "discussFailed": _("The conversation could not be opened."),
    "editNamed": _("Edit “{title}”"),
    "markDone": _("Mark as done"),
    "markNotDone": _("Not done"),
    "doneOn": _("Done on {date} by {name}"),
    "doneOnNobody": _("Done on {date}"),
    "overdue": _("Overdue"),
    "officeOnly": _("Office only"),
    "period": _("Period {period}"),
    "legalSource": _("Legal source: {source}"),
    "movedFrom": _("Moved from {date} (weekend or holiday)"),
    "editedByHand": _("Changed by hand"),
    "assignedTo": _("Assigned to {names}"),
    "newEvent": _("New event"),
    "editEvent": _("Edit event"),
    "saved": _("Saved."),
    "deleted": _("Deleted."),
    "deleteConfirm": _("Delete “{title}”?"),
    "someone": _("someone"),
    "Someone": _("Someone"),
    "changedMeanwhile": _(
        "{name} changed this at {time}: {changes}. The form now shows the current "
        "version; your changes were not saved."
    ),
    "changedLive": _("{name} just changed this event: {changes}."),
    "deletedMeanwhile": _("Someone deleted this event meanwhile."),
    "change": _("{field}: {before} → {after}"),
    "field_title": _("title"),
    "field_date": _("date"),
    "field_starts_at": _("start"),
    "field_ends_at": _("end"),
    "field_kind": _("kind"),
    "field_description": _("description"),
    "field_audience": _("visibility"),
    "field_assignees": _("assignees"),
    "field_done_at": _("done"),
    "yes": _("yes"),
    "no": _("no"),
    "empty": _("(empty)"),
    "eventsOn": _("{date}: {count} events"),
    "monthEvents": _("{count} events"),
    "more": _("+{count} more"),
    "copied": _("Copied."),
    # Tax-due notices.
    "taxToPay": _("Tax to pay"),
    "taxToPayNamed": _("Tax to pay for “{title}”"),
    "noticeLine": _("{title}: pay {amount} by {date}"),
    "noticeReference": _("Reference: {reference}"),
    "noticeAccount": _("Account: {iban}"),
    "noticeWaiting": _("Waiting for the client's confirmation (e-mailed daily)."),
    "noticeConfirmedBy": _("Confirmed on {date} by {name}"),
    "noticeConfirmedByLink": _("Confirmed on {date} (from the e-mailed link)"),
    "noticeConfirm": _("Confirm I have seen it"),
    "noticeConfirmNamed": _("Confirm that I have seen “{title}”"),
    "noticeSent": _("Sent to the client."),
    "noticeFor": _("For {title}, due {date}."),
    # The engagement.
    "engagementNone": _("No services are agreed yet."),
    "engagementAgreed": _("Agreed"),
    "engagementNotAgreed": _("Not agreed"),
    "engagementFrom": _("From {start}"),
    "engagementFromTo": _("From {start} to {end}"),
    "engagementResponsible": _("Responsible"),
    "engagementStarts": _("Starts on"),
    "engagementEnds": _("Ends on (optional)"),
    "engagementSave": _("Save"),
    "engagementSaveNamed": _("Save “{service}”"),
    "engagementSaved": _("“{service}” saved; its tasks are planned."),
    "engagementPick": _("Choose a person"),
    "revoked": _("The address no longer works. Make a new one to subscribe again."),
}


def translated() -> dict[str, str]:
    return {key: str(text) for key, text in CALENDAR.items()}
