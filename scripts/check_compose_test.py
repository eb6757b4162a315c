#!/usr/bin/env python3
"""Shows that scripts/check_compose.py fails on each kind of problem it claims to find: every test breaks
one thing in a copy of the real files and expects an error naming it (and the real files to pass).

    python3 scripts/check_compose_test.py -v
"""
import copy
import json
import os
import shutil
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_compose  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


class CheckComposeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="check-compose-test-")
        with open(os.path.join(ROOT, "docker-compose.yml"), encoding="utf-8") as f:
            self.compose = yaml.safe_load(f)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_check(self, compose):
        path = os.path.join(self.tmp, "docker-compose.yml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(compose, f)
        return check_compose.check(ROOT, path)

    def assert_error(self, compose, *fragments):
        report = self.run_check(compose)
        matching = [e for e in report.errors if all(fr in e for fr in fragments)]
        self.assertTrue(matching, f"expected an error containing {fragments}, found {report.errors}")

    def copy_dir(self, relative):
        """A copy of ROOT/relative in the temp dir; returns its absolute path."""
        target = os.path.join(self.tmp, os.path.basename(relative))
        shutil.copytree(os.path.join(ROOT, relative), target)
        return target

    def remount(self, compose, service, container_path, host_dir):
        vols = compose["services"][service]["volumes"]
        compose["services"][service]["volumes"] = [
            f"{host_dir}:{container_path}:ro" if str(v).split(":")[1] == container_path else v for v in vols]

    def test_real_files_pass(self):
        report = self.run_check(self.compose)
        self.assertEqual([], report.errors)
        self.assertGreater(report.checks, 50)

    def test_tracking_uri_on_wrong_port(self):
        c = copy.deepcopy(self.compose)
        c["services"]["serving"]["environment"]["MLFLOW_TRACKING_URI"] = "http://mlflow:5001"
        self.assert_error(c, "MLFLOW_TRACKING_URI", "5001")

    def test_tracking_uri_on_wrong_host(self):
        c = copy.deepcopy(self.compose)
        c["services"]["serving"]["environment"]["MLFLOW_TRACKING_URI"] = "http://postgres:5432"
        self.assert_error(c, "MLFLOW_TRACKING_URI", "expected host 'mlflow'")

    def test_backend_store_uri_on_wrong_port(self):
        c = copy.deepcopy(self.compose)
        c["services"]["mlflow"]["environment"]["MLFLOW_BACKEND_STORE_URI"] = "postgresql+psycopg2://u:p@postgres:5433/mlflow"
        self.assert_error(c, "MLFLOW_BACKEND_STORE_URI", "5433")

    def test_backend_store_uri_without_psycopg2_driver(self):
        c = copy.deepcopy(self.compose)
        c["services"]["mlflow"]["environment"]["MLFLOW_BACKEND_STORE_URI"] = "postgresql://u:p@postgres:5432/mlflow"
        self.assert_error(c, "MLFLOW_BACKEND_STORE_URI", "postgresql+psycopg2", "found 'postgresql'")

    def test_depends_on_unknown_service(self):
        c = copy.deepcopy(self.compose)
        c["services"]["serving"]["depends_on"]["trainer"] = {"condition": "service_started"}
        self.assert_error(c, "depends_on.trainer", "found none named 'trainer'")

    def test_service_healthy_without_healthcheck(self):
        c = copy.deepcopy(self.compose)
        del c["services"]["postgres"]["healthcheck"]
        self.assert_error(c, "services.mlflow.depends_on.postgres", "needs a health check")
        self.assert_error(c, "services.postgres", "expected a health check")

    def test_missing_bind_mount_source(self):
        c = copy.deepcopy(self.compose)
        c["services"]["grafana"]["volumes"].append("./configs/grafana/nowhere:/etc/nowhere:ro")
        self.assert_error(c, "./configs/grafana/nowhere", "to exist")

    def test_undeclared_named_volume(self):
        c = copy.deepcopy(self.compose)
        del c["volumes"]["prometheus-data"]
        self.assert_error(c, "prometheus-data", "declared under top-level volumes")

    def test_missing_dockerfile(self):
        c = copy.deepcopy(self.compose)
        c["services"]["serving"]["build"]["dockerfile"] = "docker/nothing.Dockerfile"
        self.assert_error(c, "services.serving.build.dockerfile", "docker/nothing.Dockerfile")

    def test_prometheus_target_on_wrong_port(self):
        prom = self.copy_dir("configs/prometheus")
        path = os.path.join(prom, "prometheus.yml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("serving:8080", "serving:9999"))
        c = copy.deepcopy(self.compose)
        self.remount(c, "prometheus", "/etc/prometheus", prom)
        self.assert_error(c, "target serving:9999", "'9999'")

    def test_prometheus_target_not_a_service(self):
        prom = self.copy_dir("configs/prometheus")
        path = os.path.join(prom, "prometheus.yml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("mlflow:5000", "tracking:5000"))
        c = copy.deepcopy(self.compose)
        self.remount(c, "prometheus", "/etc/prometheus", prom)
        self.assert_error(c, "target tracking:5000", "expected a compose service")
        self.assert_error(c, "expected a scrape target on service 'mlflow'")

    def test_grafana_datasource_not_prometheus_service(self):
        grafana = self.copy_dir("configs/grafana/provisioning")
        path = os.path.join(grafana, "datasources", "prometheus.yml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("http://prometheus:9090", "http://localhost:9090"))
        c = copy.deepcopy(self.compose)
        self.remount(c, "grafana", "/etc/grafana/provisioning", grafana)
        self.assert_error(c, "datasource Prometheus url", "found 'localhost'")

    def test_panel_with_other_datasource_uid(self):
        dashboards = self.copy_dir("configs/grafana/dashboards")
        path = os.path.join(dashboards, "closecast.json")
        with open(path, encoding="utf-8") as f:
            dash = json.load(f)
        victim = next(p for p in dash["panels"] if p.get("type") != "row")
        victim["datasource"] = {"type": "prometheus", "uid": "some-other-uid"}
        with open(path, "w", encoding="utf-8") as f:
            json.dump(dash, f)
        c = copy.deepcopy(self.compose)
        self.remount(c, "grafana", "/var/lib/grafana/dashboards", dashboards)
        self.assert_error(c, f"panel {victim['id']}", "'some-other-uid'")

    def test_dashboard_that_does_not_parse(self):
        dashboards = self.copy_dir("configs/grafana/dashboards")
        with open(os.path.join(dashboards, "closecast.json"), "a", encoding="utf-8") as f:
            f.write("}")
        c = copy.deepcopy(self.compose)
        self.remount(c, "grafana", "/var/lib/grafana/dashboards", dashboards)
        self.assert_error(c, "closecast.json", "expected valid JSON")

    def test_healthcheck_on_other_port(self):
        c = copy.deepcopy(self.compose)
        c["services"]["serving"]["healthcheck"]["test"] = ["CMD", "curl", "-fsS", "http://127.0.0.1:9000/health/ready"]
        self.assert_error(c, "services.serving.healthcheck", "9000")

    def test_long_running_service_without_healthcheck(self):
        c = copy.deepcopy(self.compose)
        del c["services"]["grafana"]["healthcheck"]
        self.assert_error(c, "services.grafana", "expected a health check")


if __name__ == "__main__":
    unittest.main()
