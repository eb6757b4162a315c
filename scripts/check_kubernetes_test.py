#!/usr/bin/env python3
"""Shows that scripts/check_kubernetes.py fails on each kind of problem it claims to find: every test breaks one
thing in a copy of the rendered manifests (or of the kustomization) and expects an error naming it, and the real
files pass.

    python3 scripts/check_kubernetes_test.py -v      (needs kubernetes-validate: scripts/check-ops.sh makes a venv)
"""
import copy
import os
import shutil
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_kubernetes as ck  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
MAIN, TRIALS, FINISH, SPARK, RETRAIN = ck.KUSTOMIZATIONS
VERSIONS = ["1.33.0"]  # one version keeps the tests quick; the real check runs every version


class CheckKubernetesTest(unittest.TestCase):
    rendered = None

    @classmethod
    def setUpClass(cls):
        report = ck.Report()
        cls.rendered = {k: ck.render(report, ROOT, k) for k in ck.KUSTOMIZATIONS}
        assert not report.errors, report.errors

    def docs(self):
        return copy.deepcopy(self.rendered)

    def find(self, docs, kdir, kind, name):
        for d in docs[kdir]:
            if d.get("kind") == kind and d["metadata"]["name"].startswith(name):
                return d
        raise AssertionError(f"no {kind}/{name} in {kdir}")

    def serving_container(self, docs):
        return self.find(docs, MAIN, "Deployment", "closecast-serving")["spec"]["template"]["spec"]["containers"][0]

    def set_env(self, container, name, value):
        for e in container["env"]:
            if e["name"] == name:
                e["value"] = value
                return
        container["env"].append({"name": name, "value": value})

    def assert_error(self, docs, *fragments):
        report = ck.check(ROOT, VERSIONS, rendered=docs)
        matching = [e for e in report.errors if all(f in e for f in fragments)]
        self.assertTrue(matching, f"expected an error containing {fragments}, found {report.errors}")

    def test_real_files_pass(self):
        report = ck.check(ROOT, VERSIONS, rendered=self.docs())
        self.assertEqual([], report.errors)
        self.assertGreater(report.checks, 100)

    def test_unknown_field_fails_strict_schema(self):
        d = self.docs()
        self.find(d, MAIN, "Deployment", "closecast-serving")["spec"]["replica"] = 2
        self.assert_error(d, "Deployment/closecast-serving", "valid Deployment for Kubernetes 1.33.0")

    def test_wrong_type_fails_schema(self):
        d = self.docs()
        self.find(d, MAIN, "HorizontalPodAutoscaler", "closecast-serving")["spec"]["minReplicas"] = "two"
        self.assert_error(d, "HorizontalPodAutoscaler/closecast-serving", "minReplicas")

    def test_kind_without_schema(self):
        d = self.docs()
        d[MAIN].append({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "closecast",
                                                                                     "x-source": "test"}})
        self.assert_error(d, "Widget/w", "has a schema for")

    def test_serving_env_the_code_does_not_read(self):
        d = self.docs()
        self.set_env(self.serving_container(d), "CLOSECAST_MODLE_NAME", "x")
        self.assert_error(d, "env CLOSECAST_MODLE_NAME", "serving code reads")

    def test_port_env_differs_from_container_port(self):
        d = self.docs()
        self.set_env(self.serving_container(d), "CLOSECAST_PORT", "9090")
        self.assert_error(d, "CLOSECAST_PORT", "found 9090")

    def test_container_port_differs_from_expose(self):
        d = self.docs()
        self.serving_container(d)["ports"][0]["containerPort"] = 8081
        self.assert_error(d, "container serving", "EXPOSE [8080]")

    def test_tracking_uri_on_a_port_the_service_does_not_expose(self):
        d = self.docs()
        self.set_env(self.serving_container(d), "CLOSECAST_TRACKING_URI", "http://mlflow:5001")
        self.assert_error(d, "env CLOSECAST_TRACKING_URI", "found 5001")

    def test_job_tracking_uri_not_a_service(self):
        d = self.docs()
        c = self.find(d, TRIALS, "Job", "closecast-sweep-trials")["spec"]["template"]["spec"]["containers"][0]
        self.set_env(c, "MLFLOW_TRACKING_URI", "http://localhost:5000")
        self.assert_error(d, "env MLFLOW_TRACKING_URI", "found 'localhost'")

    def test_readiness_on_the_wrong_path(self):
        d = self.docs()
        self.serving_container(d)["readinessProbe"]["httpGet"]["path"] = "/health/live"
        self.assert_error(d, "readinessProbe", "/health/ready")

    def test_probe_on_an_unknown_named_port(self):
        d = self.docs()
        self.serving_container(d)["livenessProbe"]["httpGet"]["port"] = "web"
        self.assert_error(d, "livenessProbe", "found web")

    def test_service_targets_a_port_the_pods_do_not_name(self):
        d = self.docs()
        self.find(d, MAIN, "Service", "mlflow")["spec"]["ports"][0]["targetPort"] = "api"
        self.assert_error(d, "Service/mlflow", "targetPort api")

    def test_service_selects_no_pods(self):
        d = self.docs()
        self.find(d, MAIN, "Service", "postgres")["spec"]["selector"] = {"app.kubernetes.io/name": "pg"}
        self.assert_error(d, "Service/postgres", "selector")

    def test_config_differs_from_configs_serving_yaml(self):
        d = self.docs()
        cm = self.find(d, MAIN, "ConfigMap", "closecast-serving-config")
        cm["data"]["serving.yaml"] += "# edited here only\n"
        self.assert_error(d, "configs/serving.yaml verbatim", "cp configs/serving.yaml")

    def test_config_argument_not_the_mounted_file(self):
        d = self.docs()
        self.serving_container(d)["args"] = ["/etc/closecast/other.yaml"]
        self.assert_error(d, "args", "ConfigMap file mounted")

    def test_api_keys_file_outside_the_secret_mount(self):
        d = self.docs()
        self.set_env(self.serving_container(d), "CLOSECAST_API_KEYS_FILE", "/etc/keys/api-keys")
        self.assert_error(d, "CLOSECAST_API_KEYS_FILE", "mounted Secret")

    def test_api_keys_in_the_manifest(self):
        d = self.docs()
        self.set_env(self.serving_container(d), "CLOSECAST_API_KEYS", "k1")
        self.assert_error(d, "CLOSECAST_API_KEYS", "Secret's file only")

    def test_secret_not_created_by_the_docs(self):
        d = self.docs()
        pod = self.find(d, MAIN, "Deployment", "closecast-serving")["spec"]["template"]["spec"]
        next(v for v in pod["volumes"] if v["name"] == "api-keys")["secret"]["secretName"] = "serving-keys"
        self.assert_error(d, "create Secret serving-keys")

    def test_secret_key_not_created_by_the_docs(self):
        d = self.docs()
        c = self.find(d, MAIN, "Deployment", "mlflow")["spec"]["template"]["spec"]["containers"][0]
        next(e for e in c["env"] if e["name"] == "POSTGRES_PASSWORD")["valueFrom"]["secretKeyRef"]["key"] = "pw"
        self.assert_error(d, "Secret closecast-postgres", "key pw")

    def test_memory_limit_leaves_no_room_above_the_heap(self):
        d = self.docs()
        self.serving_container(d)["resources"]["limits"]["memory"] = "1100Mi"
        self.assert_error(d, "container serving", "-Xmx 1024Mi + 256Mi")

    def test_container_changes_the_images_jvm_flags(self):
        d = self.docs()
        self.set_env(self.serving_container(d), "JDK_JAVA_OPTIONS", "-Xmx256m")
        self.assert_error(d, "JDK_JAVA_OPTIONS as the image sets it")

    def test_container_without_requests(self):
        d = self.docs()
        del self.find(d, MAIN, "StatefulSet", "postgres")["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]
        self.assert_error(d, "StatefulSet/postgres", "cpu and memory requests")

    def test_request_above_limit(self):
        d = self.docs()
        self.serving_container(d)["resources"]["requests"]["cpu"] = "3"
        self.assert_error(d, "cpu request <= the limit")

    def test_untagged_or_unknown_image(self):
        d = self.docs()
        self.serving_container(d)["image"] = "closecast-serving:latest"
        self.find(d, MAIN, "Deployment", "mlflow")["spec"]["template"]["spec"]["containers"][0]["image"] = "closecast-tracking:dev"
        self.assert_error(d, "container serving", "not latest")
        self.assert_error(d, "container mlflow", "closecast-tracking")

    def test_postgres_image_differs_from_compose(self):
        d = self.docs()
        self.find(d, MAIN, "StatefulSet", "postgres")["spec"]["template"]["spec"]["containers"][0]["image"] = "postgres:15"
        self.assert_error(d, "StatefulSet/postgres", "docker-compose.yml's PostgreSQL image")

    def test_budget_that_blocks_every_drain(self):
        d = self.docs()
        self.find(d, MAIN, "PodDisruptionBudget", "closecast-serving")["spec"]["minAvailable"] = 2
        self.assert_error(d, "PodDisruptionBudget", "below the autoscaler's minReplicas 2")

    def test_autoscaler_scaling_something_else(self):
        d = self.docs()
        self.find(d, MAIN, "HorizontalPodAutoscaler", "closecast-serving")["spec"]["scaleTargetRef"]["name"] = "serving"
        self.assert_error(d, "one HorizontalPodAutoscaler scaling it, found 0")

    def test_backend_uri_without_psycopg2(self):
        d = self.docs()
        c = self.find(d, MAIN, "Deployment", "mlflow")["spec"]["template"]["spec"]["containers"][0]
        self.set_env(c, "MLFLOW_BACKEND_STORE_URI", "postgresql://mlflow:x@postgres:5432/mlflow")
        self.assert_error(d, "postgresql+psycopg2://")

    def test_more_pods_than_trials(self):
        d = self.docs()
        self.find(d, TRIALS, "Job", "closecast-sweep-trials")["spec"]["parallelism"] = 7
        self.assert_error(d, "Job/closecast-sweep-trials", "parallelism between 1 and completions (6)")

    def test_completions_differ_from_sweep_trials(self):
        d = self.docs()
        self.find(d, TRIALS, "Job", "closecast-sweep-trials")["spec"]["completions"] = 5
        self.assert_error(d, "completions = sweep.trials of configs/quickstart.yaml (6)")

    def test_trial_argument_not_the_completion_index(self):
        d = self.docs()
        c = self.find(d, TRIALS, "Job", "closecast-sweep-trials")["spec"]["template"]["spec"]["containers"][0]
        c["args"] = ["sweep", "configs/quickstart.yaml", "--trial", "$JOB_COMPLETION_INDEX"]
        self.assert_error(d, "--trial, $(JOB_COMPLETION_INDEX)")

    def test_sweep_config_not_in_the_repository(self):
        d = self.docs()
        c = self.find(d, TRIALS, "Job", "closecast-sweep-trials")["spec"]["template"]["spec"]["containers"][0]
        c["args"][1] = "configs/nope.yaml"
        self.assert_error(d, "CONFIG in configs/", "configs/nope.yaml")

    def test_finish_job_runs_one_trial(self):
        d = self.docs()
        c = self.find(d, FINISH, "Job", "closecast-sweep-finish")["spec"]["template"]["spec"]["containers"][0]
        c["args"] = ["sweep", "configs/quickstart.yaml", "--trial", "0"]
        self.assert_error(d, "Job/closecast-sweep-finish", "without --trial")

    def test_serving_a_model_the_sweep_does_not_register(self):
        d = self.docs()
        self.set_env(self.serving_container(d), "CLOSECAST_MODEL_NAME", "closecast-petr4")
        self.assert_error(d, "CLOSECAST_MODEL_NAME", "closecast-quickstart")

    def test_retrain_cronjob_that_may_run_twice_at_once(self):
        d = self.docs()
        self.find(d, RETRAIN, "CronJob", "closecast-retrain")["spec"]["concurrencyPolicy"] = "Allow"
        self.assert_error(d, "CronJob/closecast-retrain", "concurrencyPolicy Forbid")

    def test_retrain_before_the_close(self):
        d = self.docs()
        self.find(d, RETRAIN, "CronJob", "closecast-retrain")["spec"]["schedule"] = "30 9 * * 1-5"
        self.assert_error(d, "CronJob/closecast-retrain", "after the US close")

    def receiver_container(self, docs):
        return self.find(docs, RETRAIN, "Deployment", "closecast-retrain-receiver")["spec"]["template"]["spec"]["containers"][0]

    def test_receiver_token_as_a_literal(self):
        d = self.docs()
        c = self.receiver_container(d)
        c["env"] = [e for e in c["env"] if e["name"] != "CLOSECAST_RETRAIN_TOKEN"] + [
            {"name": "CLOSECAST_RETRAIN_TOKEN", "value": "s3cret"}]
        self.assert_error(d, "Deployment/closecast-retrain-receiver", "CLOSECAST_RETRAIN_TOKEN from a Secret")

    def test_receiver_token_secret_not_created_by_the_docs(self):
        d = self.docs()
        c = self.receiver_container(d)
        next(e for e in c["env"] if e["name"] == "CLOSECAST_RETRAIN_TOKEN")["valueFrom"]["secretKeyRef"]["name"] = "other"
        self.assert_error(d, "Deployment/closecast-retrain-receiver", "create Secret other")

    def test_receiver_listens_on_a_port_the_container_does_not_have(self):
        d = self.docs()
        c = self.receiver_container(d)
        c["args"][c["args"].index("--listen") + 1] = "9096"
        self.assert_error(d, "Deployment/closecast-retrain-receiver", "--listen PORT to be a container port")

    def test_receiver_without_a_service(self):
        d = self.docs()
        d[RETRAIN] = [x for x in d[RETRAIN] if x.get("kind") != "Service"]
        self.assert_error(d, "Deployment/closecast-retrain-receiver", "expected a Service selecting the receiver")

    def test_receiver_of_another_config_than_the_cronjob(self):
        d = self.docs()
        self.receiver_container(d)["args"][1] = "configs/msft.yaml"
        self.assert_error(d, "Deployment/closecast-retrain-receiver", "the CronJob's config")

    def test_receiver_probe_elsewhere(self):
        d = self.docs()
        self.receiver_container(d)["readinessProbe"]["httpGet"]["path"] = "/metrics"
        self.assert_error(d, "Deployment/closecast-retrain-receiver readinessProbe", "GET /health")

    def test_retrain_of_a_model_not_served(self):
        d = self.docs()
        c = self.find(d, RETRAIN, "CronJob", "closecast-retrain")["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
        c["args"][1] = "configs/petr4.yaml"
        self.assert_error(d, "CronJob/closecast-retrain", "the model served (closecast-quickstart)")

    def spark_submit(self, d):
        return self.find(d, SPARK, "Job", "closecast-sweep-spark")["spec"]["template"]["spec"]["containers"][0]

    def set_conf(self, container, key, value):
        args = container["args"]
        for i, a in enumerate(args):
            if a.startswith(key + "="):
                args[i] = f"{key}={value}"
                return
        raise AssertionError(f"no --conf {key} in {args}")

    def test_spark_image_not_the_jobs_own(self):
        d = self.docs()
        self.set_conf(self.spark_submit(d), "spark.kubernetes.container.image", "closecast-pipeline:v2")
        self.assert_error(d, "spark.kubernetes.container.image to be the Job's image", "closecast-pipeline:v2")

    def test_spark_in_client_mode(self):
        d = self.docs()
        args = self.spark_submit(d)["args"]
        args[args.index("--deploy-mode") + 1] = "client"
        self.assert_error(d, "--deploy-mode cluster")

    def test_spark_driver_account_without_pod_rights(self):
        d = self.docs()
        role = self.find(d, SPARK, "Role", "closecast-spark")
        role["rules"][0]["resources"] = ["configmaps", "services"]
        self.assert_error(d, "may ['create', 'delete', 'get', 'list', 'watch'] pods")

    def test_spark_driver_account_not_the_jobs(self):
        d = self.docs()
        self.set_conf(self.spark_submit(d), "spark.kubernetes.authenticate.driver.serviceAccountName", "default")
        self.assert_error(d, "driver's service account to be the Job's")

    def test_spark_sweep_on_another_master(self):
        d = self.docs()
        args = self.spark_submit(d)["args"]
        args[args.index("--spark") + 1] = "local[2]"
        self.assert_error(d, "expected sweep --spark k8s://", "local[2]")

    def test_spark_driver_on_another_mlflow(self):
        d = self.docs()
        self.set_conf(self.spark_submit(d), "spark.kubernetes.driverEnv.MLFLOW_TRACKING_URI", "http://mlflow:5001")
        self.assert_error(d, "driver's MLFLOW_TRACKING_URI", "http://mlflow:5001")

    def test_spark_application_jar_the_image_does_not_have(self):
        d = self.docs()
        args = self.spark_submit(d)["args"]
        args[args.index("local:///app/spark/closecast-spark.jar")] = "local:///opt/closecast.jar"
        self.assert_error(d, "application jar local:///app/spark/closecast-spark.jar")


class RenderTest(unittest.TestCase):
    """The renderer refuses what it does not render and what kustomize would refuse."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="check-kubernetes-test-")
        shutil.copytree(os.path.join(ROOT, MAIN), os.path.join(self.tmp, MAIN))
        shutil.copy(os.path.join(ROOT, "configs/serving.yaml"), os.path.join(self.tmp, "serving.yaml"))
        self.kpath = os.path.join(self.tmp, MAIN, "kustomization.yaml")
        with open(self.kpath, encoding="utf-8") as f:
            self.k = yaml.safe_load(f)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def render(self):
        with open(self.kpath, "w", encoding="utf-8") as f:
            yaml.safe_dump(self.k, f)
        report = ck.Report()
        docs = ck.render(report, self.tmp, MAIN)
        return docs, report.errors

    def test_real_kustomization_renders_with_namespace_labels_config_and_images(self):
        docs, errors = self.render()
        self.assertEqual([], errors)
        dep = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "closecast-serving")
        self.assertEqual("closecast", dep["metadata"]["namespace"])
        self.assertEqual("closecast", dep["metadata"]["labels"]["app.kubernetes.io/part-of"])
        self.assertEqual("closecast-serving:dev", dep["spec"]["template"]["spec"]["containers"][0]["image"])
        cm = next(d for d in docs if d["kind"] == "ConfigMap")
        volume = next(v for v in dep["spec"]["template"]["spec"]["volumes"] if v["name"] == "config")
        self.assertEqual(cm["metadata"]["name"], volume["configMap"]["name"])
        self.assertTrue(cm["metadata"]["name"].startswith("closecast-serving-config-"))

    def test_a_key_it_does_not_render(self):
        self.k["patches"] = [{"path": "patch.yaml"}]
        _, errors = self.render()
        self.assertTrue(any("found ['patches']" in e for e in errors), errors)

    def test_a_config_file_outside_the_directory(self):
        self.k["configMapGenerator"][0]["files"] = ["serving.yaml=../../serving.yaml"]
        _, errors = self.render()
        self.assertTrue(any("kustomize refuses others" in e for e in errors), errors)

    def test_a_missing_resource(self):
        self.k["resources"].append("ingress.yaml")
        _, errors = self.render()
        self.assertTrue(any("found ingress.yaml" in e for e in errors), errors)

    def test_a_resource_in_another_namespace(self):
        path = os.path.join(self.tmp, MAIN, "serving.yaml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("namespace: closecast", "namespace: default", 1))
        _, errors = self.render()
        self.assertTrue(any("expected namespace closecast" in e and "found default" in e for e in errors), errors)


if __name__ == "__main__":
    unittest.main()
