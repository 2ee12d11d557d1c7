"""Agreed actions: what the partners will do about what a scan showed, who does it
by when, and how far it got (issue 15; docs/consultant-guide.md, "The follow-up
conversation").

- `models`: `Action`, `ActionListing` (the scans an action is listed under),
  `ActionStatusChange` (its history).
- `writes`: the writes (`action_create`, `action_update`, `action_change_status`,
  `action_delete`, `actions_carry`).
- `listing`: actions as plain rows for the results page, the PDF, the exports and
  the trend (what was done since the previous scan).
- `digest`: what the weekly digest to a consultant lists.
"""
