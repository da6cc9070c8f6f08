"""Replays, field for field, the requests Prefect 2.13's Python client sends for (a) the stock
process worker picking up a deployment's run and (b) a @flow with two tasks, one retried once.

Bodies are what pydantic's `.dict(json_compatible=True)` of Prefect's action models gives: every
unset optional field is present as null. The field lists were read from Prefect 2.13.8's
client/orchestration.py, client/schemas/{actions,objects,filters}.py and workers/base.py.

Usage: /usr/bin/python3 replay_prefect_2_13.py http://127.0.0.1:4200/api
Prints one JSON line {"deployment_run": id, "flow_run": id} on success; exits 1 on any error.
"""
import datetime
import json
import sys
import uuid

import httpx


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def state_details(**given):
    details = {
        "flow_run_id": None,
        "task_run_id": None,
        "child_flow_run_id": None,
        "scheduled_time": None,
        "cache_key": None,
        "cache_expiration": None,
        "untrackable_result": False,
        "pause_timeout": None,
        "pause_reschedule": False,
        "pause_key": None,
        "refresh_cache": None,
    }
    details.update(given)
    return details


def state(type_, name, data=None, **details):
    return {"type": type_, "name": name, "message": None, "state_details": state_details(**details), "data": data}


def unpersisted(kind):
    return {"type": "unpersisted", "artifact_type": "result", "artifact_description": f"Unpersisted result of type `{kind}`"}


class Replay:
    def __init__(self, api_url):
        self.http = httpx.Client(base_url=api_url, timeout=30)

    def call(self, method, path, body=None, expect=(200, 201, 204)):
        response = self.http.request(method, path, json=body)
        if response.status_code not in expect:
            raise SystemExit(f"{method} {path} -> {response.status_code}: {response.text[:500]}\nbody: {json.dumps(body)[:800]}")
        return response.json() if response.content else None

    def set_flow_run_state(self, run_id, new_state):
        new_state["state_details"]["flow_run_id"] = run_id
        return self.call("POST", f"/flow_runs/{run_id}/set_state", {"state": new_state, "force": False})

    def set_task_run_state(self, task_run_id, new_state):
        new_state["state_details"]["task_run_id"] = task_run_id
        return self.call("POST", f"/task_runs/{task_run_id}/set_state", {"state": new_state, "force": False})

    def create_flow(self, name):
        return self.call("POST", "/flows/", {"name": name, "tags": []})["id"]

    def read_flow_runs(self, flow_run_filter, work_pool_name):
        # The worker's cancellation check: flow_runs is exclude_unset, the others are full dicts.
        return self.call("POST", "/flow_runs/filter", {
            "flows": None,
            "flow_runs": flow_run_filter,
            "task_runs": None,
            "deployments": None,
            "work_pools": {"operator": "and_", "id": None, "name": {"any_": [work_pool_name]}, "type": None},
            "work_pool_queues": None,
            "sort": None,
            "limit": None,
            "offset": 0,
        })

    def worker(self, pool):
        self.call("GET", "/health")
        self.call("GET", "/admin/version")
        # read_work_pool: 404, then create_work_pool (exclude_unset: only what the worker set).
        self.call("GET", f"/work_pools/{pool}", expect=(404,))
        created = self.call("POST", "/work_pools/", {"name": pool, "type": "process"})
        assert created["name"] == pool
        self.call("GET", f"/work_pools/{pool}")
        worker_name = f"ProcessWorker {uuid.uuid4()}"
        self.call("POST", f"/work_pools/{pool}/workers/heartbeat", {"name": worker_name, "heartbeat_interval_seconds": 30})

        flow_id = self.create_flow("replay-deployed")
        deployment = {
            "name": "replay",
            "flow_id": flow_id,
            "parameter_openapi_schema": None,
            "parameters": {},
            "tags": [],
            "manifest_path": None,
            "work_queue_name": None,
            "work_pool_name": pool,
            "storage_document_id": None,
            "infrastructure_document_id": None,
            "schedule": None,
            "description": None,
            "path": None,
            "version": None,
            "entrypoint": "flows.py:replay",
            "infra_overrides": {},
        }
        deployment_id = self.call("POST", "/deployments/", deployment)["id"]
        run = self.call("POST", f"/deployments/{deployment_id}/create_flow_run", {
            "state": state("SCHEDULED", "Scheduled", scheduled_time=now()),
            "name": None,
            "parameters": {},
            "context": {},
            "tags": [],
            "idempotency_key": None,
            "parent_task_run_id": None,
        })
        run_id = run["id"]

        scheduled_before = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=10)).isoformat()
        claimed = self.call("POST", f"/work_pools/{pool}/get_scheduled_flow_runs", {"work_queue_names": [], "scheduled_before": scheduled_before})
        assert run_id in [c["flow_run"]["id"] for c in claimed], f"run {run_id} not offered to the worker: {claimed}"

        not_any = {"not_any_": []}
        self.read_flow_runs({"state": {"type": {"any_": ["CANCELLED"]}, "name": {"any_": ["Cancelling"]}}, "id": not_any}, pool)
        self.read_flow_runs({"state": {"type": {"any_": ["CANCELLING"]}}, "id": not_any}, pool)

        result = self.set_flow_run_state(run_id, state("PENDING", "Pending"))
        assert result["status"] == "ACCEPT", result
        self.call("PATCH", f"/flow_runs/{run_id}", {"infrastructure_pid": "replay-host:4242"})
        # The engine in the child process.
        self.call("GET", f"/flow_runs/{run_id}")
        self.call("GET", f"/deployments/{deployment_id}")
        assert self.set_flow_run_state(run_id, state("RUNNING", "Running"))["status"] == "ACCEPT"
        assert self.set_flow_run_state(run_id, state("COMPLETED", "Completed", data=unpersisted("NoneType")))["status"] == "ACCEPT"
        return run_id

    def create_task_run(self, run_id, key, retries):
        return self.call("POST", "/task_runs/", {
            "state": state("PENDING", "Pending"),
            "name": f"{key}-0",
            "flow_run_id": run_id,
            "task_key": f"__main__.{key}",
            "dynamic_key": "0",
            "cache_key": None,
            "cache_expiration": None,
            "task_version": None,
            "empirical_policy": {"max_retries": 0, "retry_delay_seconds": 0.0, "retries": retries, "retry_delay": 0, "retry_jitter_factor": None},
            "tags": [],
            "task_inputs": {},
        })["id"]

    def log(self, run_id, task_run_id, message):
        self.call("POST", "/logs/", [{
            "name": "prefect.task_runs" if task_run_id else "prefect.flow_runs",
            "level": 20,
            "message": message,
            "timestamp": now(),
            "flow_run_id": run_id,
            "task_run_id": task_run_id,
        }])

    def flow(self):
        flow_id = self.create_flow("replay-flow")
        run = self.call("POST", "/flow_runs/", {
            "state": state("PENDING", "Pending"),
            "name": "replay-amber-fox",
            "flow_id": flow_id,
            "deployment_id": None,
            "flow_version": "1a2b3c",
            "parameters": {},
            "context": {},
            "parent_task_run_id": None,
            "infrastructure_document_id": None,
            "empirical_policy": {"max_retries": 0, "retry_delay_seconds": 0.0, "retries": 0, "retry_delay": 0, "pause_keys": [], "resuming": False},
            "tags": [],
            "idempotency_key": None,
        })
        run_id = run["id"]
        assert self.set_flow_run_state(run_id, state("RUNNING", "Running"))["status"] == "ACCEPT"
        self.log(run_id, None, "Created task run 'plain-0'")

        plain = self.create_task_run(run_id, "plain", 0)
        assert self.set_task_run_state(plain, state("RUNNING", "Running"))["status"] == "ACCEPT"
        assert self.set_task_run_state(plain, state("COMPLETED", "Completed", data=unpersisted("int")))["status"] == "ACCEPT"
        self.log(run_id, plain, "Finished in state Completed()")

        flaky = self.create_task_run(run_id, "flaky", 1)
        assert self.set_task_run_state(flaky, state("RUNNING", "Running"))["status"] == "ACCEPT"
        failed = self.set_task_run_state(flaky, state("FAILED", "Failed"))
        # The server keeps the retry: the run goes to AwaitingRetry instead of FAILED.
        assert failed["state"]["type"] == "SCHEDULED" and failed["state"]["name"] == "AwaitingRetry", failed
        self.log(run_id, flaky, "Encountered exception during execution; retrying")
        assert self.set_task_run_state(flaky, state("RUNNING", "Retrying"))["status"] == "ACCEPT"
        assert self.set_task_run_state(flaky, state("COMPLETED", "Completed", data=unpersisted("str")))["status"] == "ACCEPT"
        self.log(run_id, flaky, "Finished in state Completed()")

        assert self.set_flow_run_state(run_id, state("COMPLETED", "Completed", data=unpersisted("NoneType")))["status"] == "ACCEPT"
        final = self.call("GET", f"/flow_runs/{run_id}")
        assert final["state"]["type"] == "COMPLETED", final["state"]
        for task_run_id in (plain, flaky):
            assert self.call("GET", f"/task_runs/{task_run_id}")["state"]["type"] == "COMPLETED"
        names = [s["name"] for s in self.call("GET", f"/task_run_states/?task_run_id={flaky}")]
        assert names == ["Pending", "Running", "AwaitingRetry", "Retrying", "Completed"], names
        logs = self.call("POST", "/logs/filter", {"logs": {"operator": "and_", "level": None, "timestamp": None, "flow_run_id": {"any_": [run_id]}, "task_run_id": None}, "sort": "TIMESTAMP_ASC", "limit": None, "offset": 0})
        assert len(logs) == 4, logs
        return run_id


def main():
    replay = Replay(sys.argv[1])
    deployment_run = replay.worker("replay-pool")
    flow_run = replay.flow()
    print(json.dumps({"deployment_run": deployment_run, "flow_run": flow_run}))


if __name__ == "__main__":
    main()
