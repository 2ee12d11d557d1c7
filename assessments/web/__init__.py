"""What stands between a request and the views: rate limits (`throttle`), body-size
limits (`request_limits`) and the calm 503 for passing faults (`middleware`)."""
