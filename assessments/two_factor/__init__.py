"""Two-step login for consultants and staff (django-otp).

- `devices`: who must use it, enrolment (authenticator app, TOTP), recovery codes,
  checking a code, turning it off.
- `models`: the recovery codes, stored hashed.
- `remember`: the optional "remember this device for 30 days" cookie.
- `middleware`: a user who must give a code (or enrol) can open nothing else first.
- `admin_site`: the admin asks for the same verified login.

Nothing is imported here: `admin_site` is loaded while the app registry is still
being filled, before any model can be.
"""
