"""Live sessions: partners answer on their own phones, the room sees the reveal.

- `models`: the session's state, participants, each round's answers, agreements.
- `sessions`: what the facilitator does (create, start, next, reveal, second
  round, pause, end, the projector link, the agreement note).
- `participants`: what a phone does (join, answer, hand in).
- `screens`: what the three screens show (readiness counts, the reveal's figures
  from `assessments.scoring`), in a fixed number of queries.
- `polling`: the one function behind every poll ("unchanged" or a fragment).

docs/live-session.md explains it for consultants.
"""
