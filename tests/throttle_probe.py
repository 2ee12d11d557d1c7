"""Run by tests/security/test_throttles.py in a separate process: N failed logins of
one name the shared database and cache, and print the status codes as JSON."""

import json
import sys

import django

django.setup()

from django.test import Client  # noqa: E402


def main(username, count):
    client = Client()
    statuses = [
        client.post("/login/", {"username": username, "password": "wrong"}).status_code
        for _ in range(count)
    ]
    print(json.dumps(statuses))


main(sys.argv[1], int(sys.argv[2]))
