"""Django's database cache with an atomic `incr`.

The stock DatabaseCache increments with a `get` then a `set`, so two app processes
counting the same throttle key at the same moment can both read 4 and both write 5.
Here the read and the write happen in one transaction that holds the row: `SELECT ...
FOR UPDATE` on PostgreSQL, and on SQLite the `BEGIN IMMEDIATE` our settings use takes
the write lock before the read. Everything else is the stock backend.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as StockDatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone


class DatabaseCache(StockDatabaseCache):
    def _incr_statements(self, connection):
        # Only quoted identifiers of our own cache table are interpolated; values
        # travel as parameters.
        q = connection.ops.quote_name
        table, key, value = q(self._table), q("cache_key"), q("value")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        select = (
            f"SELECT {value} FROM {table} "  # noqa: S608  # nosec B608
            f"WHERE {key} = %s AND {q('expires')} > %s{lock}"
        )
        update = f"UPDATE {table} SET {value} = %s WHERE {key} = %s"  # noqa: S608  # nosec B608
        return select, update

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        select, update = self._incr_statements(connection)
        now = connection.ops.adapt_datetimefield_value(
            timezone.now().replace(microsecond=0)
        )
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(select, [key, now])
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found.")
            # Our own table, written only by this backend: same trust as the stock one.
            value = pickle.loads(base64.b64decode(row[0].encode()))  # noqa: S301  # nosec B301
            value += delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol))
            cursor.execute(update, [encoded.decode("latin1"), key])
        return value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)
