"""The consultant's workspace: dashboard, partnerships, assessments, respondents.

Thin function views: access helper first, then the form, then a function from
`assessments.workspace` (writes) or `assessments.workspace.progress` (reads).
"""
