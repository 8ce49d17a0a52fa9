# Written by `hookcert export`; do not edit it (export again instead).
#
# Sends the signed deliveries of deliveries.jsonl, beside this file, each exactly once across
# all of Locust's workers, and records every answer for `hookcert bench --merge`.
#
# - Worker i of n (Locust's worker index, and the master's --expect-workers, which Locust
#   passes on to its workers) takes the lines whose number modulo n is i: no delivery is sent
#   by two workers, none by no worker, as long as --expect-workers is the number of worker
#   processes (with --processes N and no --master, Locust sets it to N).
# - The users of one worker share its shard, each taking the next delivery, so they never
#   send the same one twice.
# - Each answer is one JSON line in records/worker-<i>-of-<n>.jsonl (the folder can be moved
#   with HOOKCERT_RECORDS): the delivery's number, the status (null when no answer came), the
#   latency and the time it was sent.
# - A worker quits when its shard is done and answered; the master quits when the last
#   worker has. Give at least as many users (-u) as workers, or a worker without users would
#   never finish.
#
#   locust -f locustfile.py --headless -u 32 -r 32 --processes 2 [--host URL]
#   locust -f locustfile.py --headless --master --expect-workers 4 -u 64 -r 64   (one host)
#   locust -f locustfile.py --worker --master-host MASTER --processes 2          (each other)
#   hookcert bench --merge .

import base64
import json
import logging
import os
import time

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser
from locust.runners import MasterRunner, WorkerRunner

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "manifest.json"), encoding="utf-8") as manifest_file:
    MANIFEST = json.load(manifest_file)
ACCEPTED = frozenset(MANIFEST["accepted_statuses"])
RECORDS = os.environ.get("HOOKCERT_RECORDS") or os.path.join(HERE, "records")


class Shard:
    """This worker's deliveries, read from the corpus as they are taken, and their records."""

    def __init__(self, index, count):
        self.index, self.count = index, count
        self.lines = self._read(index, count)
        self.in_flight = 0
        self.exhausted = False
        self.finished = False
        os.makedirs(RECORDS, exist_ok=True)
        path = os.path.join(RECORDS, "worker-%d-of-%d.jsonl" % (index, count))
        self.out = open(path, "w", encoding="utf-8")

    @staticmethod
    def _read(index, count):
        with open(os.path.join(HERE, "deliveries.jsonl"), encoding="utf-8") as corpus:
            for number, line in enumerate(corpus):
                if number % count == index:
                    yield json.loads(line)

    def take(self):
        """The next delivery, or None when the shard is done."""
        if self.exhausted:
            return None
        delivery = next(self.lines, None)
        if delivery is None:
            self.exhausted = True
            return None
        self.in_flight += 1
        return delivery

    def record(self, delivery, status, latency_us, sent_at_us, error):
        self.in_flight -= 1
        record = {
            "id": delivery["id"],
            "status": status,
            "latency_us": latency_us,
            "sent_at_us": sent_at_us,
            "error": error,
        }
        self.out.write(json.dumps(record) + "\n")

    def done(self):
        return self.exhausted and self.in_flight == 0


shard = None


@events.test_start.add_listener
def take_shard(environment, **_kwargs):
    global shard
    runner = environment.runner
    if isinstance(runner, MasterRunner):
        options = environment.parsed_options
        if options is not None and options.num_users < options.expect_workers:
            logging.error(
                "hookcert: %d users for %d workers: a worker without users never sends its "
                "shard; give -u at least --expect-workers",
                options.num_users,
                options.expect_workers,
            )
            gevent.spawn(runner.quit)
        return
    if isinstance(runner, WorkerRunner):
        index, count = runner.worker_index, environment.parsed_options.expect_workers
    else:
        index, count = 0, 1
    if shard is None:
        shard = Shard(index, count)
        logging.info("hookcert: worker %d of %d sends its shard", index, count)


def finish(environment):
    """Closes the records once, then stops this process (a worker tells the master)."""
    if shard.finished:
        return
    shard.finished = True
    shard.out.close()
    gevent.spawn(environment.runner.quit)


class Delivery(FastHttpUser):
    """Sends the next delivery of this worker's shard, as fast as the receiver answers."""

    host = MANIFEST["origin"]
    wait_time = constant(0)

    @task
    def deliver(self):
        delivery = shard.take() if shard is not None else None
        if delivery is None:
            if shard is not None and shard.done():
                finish(self.environment)
            raise StopUser()
        body = base64.b64decode(delivery["body"])
        sent_at_us = time.time_ns() // 1000
        started = time.perf_counter()
        status, error = None, None
        try:
            with self.client.request(
                delivery["method"],
                delivery["path"],
                data=body,
                headers=delivery["headers"],
                name=MANIFEST["vendor"],
                catch_response=True,
            ) as response:
                if response.status_code:
                    status = response.status_code
                if status in ACCEPTED:
                    response.success()
                else:
                    error = str(response.error) if response.error else None
                    response.failure("not accepted: %s" % (status or error))
        except Exception as e:  # the record must be written whatever the client raised
            error = "%s: %s" % (type(e).__name__, e)
        latency_us = int((time.perf_counter() - started) * 1_000_000)
        shard.record(delivery, status, latency_us, sent_at_us, error)
        if shard.done():
            finish(self.environment)
