#!/usr/bin/env python3
"""Checks the Kubernetes manifests under deploy/kubernetes/ without a cluster.

    check_kubernetes.py [--root DIR] [--kubernetes-version V]... [--kubectl]

Each kustomization (deploy/kubernetes, deploy/kubernetes/sweep/trials, deploy/kubernetes/sweep/finish,
deploy/kubernetes/sweep/spark, deploy/kubernetes/retrain) is rendered
here (namespace, labels, configMapGenerator, images: the parts of kustomize these files use; any other key is an
error, so the renderer cannot silently ignore one), then:
  - every resource validates against the Kubernetes JSON schemas of each version named (default 1.33.0 and
    1.37.0), strictly (an unknown field is an error), with kubernetes-validate; a kind without a schema is an error;
  - images: each closecast image is built from a Dockerfile of the repository (closecast-serving:
    docker/serving.Dockerfile, closecast-pipeline: docker/pipeline.Dockerfile, closecast-mlflow:
    registry-server/Dockerfile) and its container ports are that Dockerfile's EXPOSE; other images carry a tag
    (not latest) and PostgreSQL's is docker-compose.yml's;
  - names agree: every CLOSECAST_* variable of the serving container is one the serving code reads, CLOSECAST_PORT is
    the container port and the Dockerfile's; http(s)/postgresql URLs in environment variables name a Service of the
    same manifests on a port it exposes; Services select pods and target their named ports; probes use named ports
    of their container; the serving probes are GET /health/ready (readiness) and /health/live (liveness);
  - config and secrets: the serving config file is configs/serving.yaml verbatim (deploy/kubernetes/config/
    serving.yaml), mounted where the container's argument says; CLOSECAST_API_KEYS_FILE is the key file of the
    mounted API-key Secret; every Secret referenced is created by a `kubectl -n NS create secret generic NAME` line
    of docs/operations.md with the keys referenced;
  - resources: every container has CPU and memory requests and a memory limit, requests <= limits; a JVM image's
    memory limit leaves at least 256 MiB above its -Xmx (from the Dockerfile's JDK_JAVA_OPTIONS, which a container
    must not change);
  - the serving PodDisruptionBudget and HorizontalPodAutoscaler name the serving Deployment's pods; the budget's
    minAvailable is below the autoscaler's minReplicas (else no node could be drained);
  - the sweep: the Indexed Job runs `sweep CONFIG --trial $(JOB_COMPLETION_INDEX)`, CONFIG is in the repository,
    completions is its sweep.trials, parallelism between 1 and completions, the finish Job runs the same
    CONFIG with --register, and the config's mlflow.registered-model is the model the serving Deployment serves;
  - the sweep on Spark: its Job runs `spark-submit --master k8s://... --deploy-mode cluster` with the pipeline image's
    closecast-spark jar (where docker/pipeline.Dockerfile puts it), spark.kubernetes.container.image is the Job's own
    image, the driver's service account is the Job's and a Role bound to it may create, watch and delete pods,
    services and configmaps, the namespace is the Job's, the driver's MLFLOW_TRACKING_URI is the trials Job's, and the
    application runs `sweep CONFIG --spark MASTER` with CONFIG in configs/ and MASTER the submission's.
With --kubectl, `kubectl kustomize DIR` renders each kustomization too and that output is validated as well.
Exit status: 0 when there is no error, 1 otherwise.
"""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
from urllib.parse import urlsplit

import yaml

import kubernetes_validate

KUSTOMIZATIONS = ["deploy/kubernetes", "deploy/kubernetes/sweep/trials", "deploy/kubernetes/sweep/finish",
                  "deploy/kubernetes/sweep/spark", "deploy/kubernetes/retrain"]
DEFAULT_VERSIONS = ["1.33.0", "1.37.0"]
KUSTOMIZATION_KEYS = {"apiVersion", "kind", "namespace", "labels", "resources", "configMapGenerator", "images"}
IMAGES = {
    "closecast-serving": "docker/serving.Dockerfile",
    "closecast-pipeline": "docker/pipeline.Dockerfile",
    "closecast-mlflow": "registry-server/Dockerfile",
}
SERVING_DEPLOYMENT = "closecast-serving"
URL_RE = re.compile(r"\b(?:https?|postgresql(?:\+\w+)?|postgres)://[^\s\"',]+")
JVM_MARGIN_MIB = 256


class Report:
    def __init__(self):
        self.errors = []
        self.checks = 0

    def check(self, ok, where, message):
        self.checks += 1
        if not ok:
            self.errors.append(f"{where}: {message}")
        return ok


# ---------------------------------------------------------------- rendering

def render(report, root, kdir):
    """The resources of one kustomization, as kustomize would emit them (for the features these files use)."""
    base = os.path.join(root, kdir)
    path = os.path.join(base, "kustomization.yaml")
    where = os.path.relpath(path, root)
    try:
        with open(path, encoding="utf-8") as f:
            k = yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError) as e:
        report.check(False, where, f"expected a readable kustomization, found {e}")
        return []
    unknown = sorted(set(k) - KUSTOMIZATION_KEYS)
    report.check(not unknown, where, f"expected only the keys {sorted(KUSTOMIZATION_KEYS)} (what this checker renders), "
                                     f"found {unknown}: teach scripts/check_kubernetes.py to render them")
    docs = []
    for resource in k.get("resources") or []:
        rpath = os.path.normpath(os.path.join(base, resource))
        if not report.check(os.path.isfile(rpath) and rpath.startswith(base + os.sep), f"{where} resources",
                            f"expected a file in or below {kdir}, found {resource}"):
            continue
        with open(rpath, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    doc.setdefault("metadata", {})
                    doc["metadata"]["x-source"] = os.path.relpath(rpath, root)
                    docs.append(doc)
    generated = {}
    for gen in k.get("configMapGenerator") or []:
        data = {}
        for entry in gen.get("files") or []:
            key, _, file = str(entry).partition("=")
            file = file or key
            key = os.path.basename(key)
            fpath = os.path.normpath(os.path.join(base, file))
            if not report.check(os.path.isfile(fpath) and fpath.startswith(base + os.sep), f"{where} configMapGenerator {gen.get('name')}",
                                f"expected a file in or below {kdir} (kustomize refuses others), found {file}"):
                continue
            with open(fpath, encoding="utf-8") as f:
                data[key] = f.read()
        digest = hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()[:10]
        name = f"{gen['name']}-{digest}"
        generated[gen["name"]] = name
        docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "x-source": where,
                                                                           "x-generated-from": gen["name"]}, "data": data})
    namespace = k.get("namespace")
    labels = {}
    for entry in k.get("labels") or []:
        labels.update(entry.get("pairs") or {})
    images = {i["name"]: i for i in k.get("images") or []}
    for doc in docs:
        meta = doc["metadata"]
        if namespace and doc.get("kind") != "Namespace":
            report.check(meta.get("namespace", namespace) == namespace, f"{meta['x-source']} {kind_name(doc)}",
                         f"expected namespace {namespace} (the kustomization's), found {meta.get('namespace')}")
            meta["namespace"] = namespace
        meta.setdefault("labels", {}).update(labels)
        for pod in pod_specs(doc):
            for vol in pod.get("volumes") or []:
                cm = vol.get("configMap")
                if cm and cm.get("name") in generated:
                    cm["x-generated-from"] = cm["name"]
                    cm["name"] = generated[cm["name"]]
            for c in containers(pod):
                name, _, tag = str(c.get("image", "")).partition(":")
                if name in images:
                    new = images[name]
                    c["image"] = f"{new.get('newName', name)}:{new.get('newTag', tag or 'latest')}"
    return docs


def strip_private(doc):
    """The document without this checker's x- bookkeeping keys (for schema validation)."""
    if isinstance(doc, dict):
        return {k: strip_private(v) for k, v in doc.items() if not str(k).startswith("x-")}
    if isinstance(doc, list):
        return [strip_private(v) for v in doc]
    return doc


def kind_name(doc):
    return f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"


def pod_specs(doc):
    spec = doc.get("spec") or {}
    if doc.get("kind") in ("Deployment", "StatefulSet", "Job", "DaemonSet", "ReplicaSet"):
        return [((spec.get("template") or {}).get("spec")) or {}]
    if doc.get("kind") == "Pod":
        return [spec]
    if doc.get("kind") == "CronJob":
        return [((((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec")) or {}]
    return []


def pod_template(doc):
    return (doc.get("spec") or {}).get("template") or {}


def containers(pod):
    return list(pod.get("containers") or []) + list(pod.get("initContainers") or [])


# ---------------------------------------------------------------- helpers

def env_of(container):
    return {e["name"]: e for e in container.get("env") or []}


def env_value(container, name):
    e = env_of(container).get(name)
    return None if e is None else e.get("value")


def dockerfile_lines(path):
    out, current = [], ""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            s = raw.strip()
            if s.startswith("#") or (not s and not current):
                continue
            if s.endswith("\\"):
                current += s[:-1] + " "
                continue
            out.append(current + s)
            current = ""
    return out


def dockerfile_expose(path):
    ports = set()
    for line in dockerfile_lines(path):
        if line.upper().startswith("EXPOSE "):
            ports.update(int(p.split("/")[0]) for p in line.split()[1:])
    return ports


def dockerfile_env(path):
    env = {}
    for line in dockerfile_lines(path):
        if line.upper().startswith("ENV "):
            for m in re.finditer(r'(\w+)=("([^"]*)"|(\S+))', line[4:]):
                env[m.group(1)] = m.group(3) if m.group(3) is not None else m.group(4)
    return env


def mib(quantity):
    q = str(quantity)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?", q)
    if not m:
        return None
    factor = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "Ti": 1024 * 1024, "k": 1000 / 1048576, "M": 1e6 / 1048576,
              "G": 1e9 / 1048576, "T": 1e12 / 1048576, None: 1 / 1048576}[m.group(2)]
    return float(m.group(1)) * factor


def cores(quantity):
    q = str(quantity)
    return float(q[:-1]) / 1000 if q.endswith("m") else float(q)


def xmx_mib(options):
    m = re.search(r"-Xmx(\d+)([kKmMgG]?)", options or "")
    if not m:
        return None
    return int(m.group(1)) * {"k": 1 / 1024, "m": 1, "g": 1024, "": 1 / 1048576}[m.group(2).lower()]


def serving_env_names(root):
    names = set()
    src = os.path.join(root, "serving/src/main/java")
    for dirpath, _, files in os.walk(src):
        for fname in files:
            if fname.endswith(".java"):
                with open(os.path.join(dirpath, fname), encoding="utf-8") as f:
                    names.update(re.findall(r'"(CLOSECAST_[A-Z0-9_]+)"', f.read()))
    return names


def selects(selector, labels):
    match = (selector or {}).get("matchLabels", selector or {})
    return bool(match) and all(labels.get(k) == v for k, v in match.items())


def named_ports(container):
    return {p.get("name"): p.get("containerPort") for p in container.get("ports") or [] if p.get("name")}


# ---------------------------------------------------------------- checks

def check_schemas(report, docs, versions, label):
    for doc in docs:
        where = f"{doc['metadata'].get('x-source', label)} {kind_name(doc)}"
        clean = strip_private(doc)
        for version in versions:
            try:
                kubernetes_validate.validate(clean, version, strict=True)
                report.check(True, where, "")
            except kubernetes_validate.ValidationError as e:
                path = ".".join(str(p) for p in e.path)
                report.check(False, where, f"expected a valid {doc.get('kind')} for Kubernetes {version} (strict), found "
                                           f"{path or '(top)'}: {e.message}")
            except kubernetes_validate.SchemaNotFoundError:
                report.check(False, where, f"expected a kind Kubernetes {version} has a schema for, found "
                                           f"{doc.get('apiVersion')} {doc.get('kind')}")


def check_images(report, root, docs):
    with open(os.path.join(root, "docker-compose.yml"), encoding="utf-8") as f:
        compose = yaml.safe_load(f) or {}
    compose_images = {s.get("image") for s in (compose.get("services") or {}).values() if s and s.get("image")}
    for doc in docs:
        for pod in pod_specs(doc):
            for c in containers(pod):
                where = f"{doc['metadata']['x-source']} {kind_name(doc)} container {c.get('name')}"
                image = str(c.get("image", ""))
                name, _, tag = image.partition(":")
                report.check(bool(tag) and tag != "latest", where, f"expected an image with a tag (not latest), found '{image}'")
                if name in IMAGES:
                    dockerfile = os.path.join(root, IMAGES[name])
                    if not report.check(os.path.isfile(dockerfile), where, f"expected {IMAGES[name]} to build {name}, found no file"):
                        continue
                    expose = dockerfile_expose(dockerfile)
                    ports = {p.get("containerPort") for p in c.get("ports") or []}
                    if doc.get("kind") in ("Job", "CronJob"):
                        # a one-shot use of the image (the pipeline's sweeps and retrains) need not listen at all
                        report.check(ports <= expose, where,
                                     f"expected the container ports among {IMAGES[name]}'s EXPOSE {sorted(expose)}, found {sorted(ports)}")
                    else:
                        report.check(ports == expose, where,
                                     f"expected the container ports to be {IMAGES[name]}'s EXPOSE {sorted(expose)}, found {sorted(ports)}")
                    check_jvm_memory(report, where, c, dockerfile_env(dockerfile), IMAGES[name])
                elif name.startswith("closecast"):
                    report.check(False, where, f"expected a closecast image built here {sorted(IMAGES)}, found '{name}'")
                elif name.split("/")[-1] == "postgres":
                    report.check(image in compose_images, where,
                                 f"expected docker-compose.yml's PostgreSQL image {sorted(i for i in compose_images if 'postgres' in i)}, found '{image}'")
                check_resources(report, where, c)


def check_resources(report, where, c):
    res = c.get("resources") or {}
    req, lim = res.get("requests") or {}, res.get("limits") or {}
    report.check("cpu" in req and "memory" in req, where, f"expected cpu and memory requests, found {req}")
    report.check("memory" in lim, where, f"expected a memory limit, found {lim}")
    if "memory" in req and "memory" in lim:
        report.check(mib(req["memory"]) <= mib(lim["memory"]), where,
                     f"expected the memory request <= the limit, found {req['memory']} > {lim['memory']}")
    if "cpu" in req and "cpu" in lim:
        report.check(cores(req["cpu"]) <= cores(lim["cpu"]), where,
                     f"expected the cpu request <= the limit, found {req['cpu']} > {lim['cpu']}")


def check_jvm_memory(report, where, c, image_env, dockerfile):
    options = image_env.get("JDK_JAVA_OPTIONS")
    if options is None:
        return
    own = env_value(c, "JDK_JAVA_OPTIONS")
    report.check(own is None or own == options, where,
                 f"expected JDK_JAVA_OPTIONS as the image sets it ({dockerfile}: '{options}'), found '{own}'")
    heap = xmx_mib(options)
    limit = ((c.get("resources") or {}).get("limits") or {}).get("memory")
    if heap and limit:
        report.check(mib(limit) >= heap + JVM_MARGIN_MIB, where,
                     f"expected a memory limit of at least -Xmx {heap:.0f}Mi + {JVM_MARGIN_MIB}Mi for the JVM's non-heap "
                     f"memory, found {limit}")


def check_services_and_urls(report, docs, other_services=()):
    """other_services: Services of another kustomization in the same namespace that URLs here may name."""
    own = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "Service"}
    services = {**{d["metadata"]["name"]: d for d in other_services}, **own}
    workloads = [d for d in docs if pod_specs(d)]
    for name, svc in own.items():
        where = f"{svc['metadata']['x-source']} Service/{name}"
        selected = [w for w in workloads if selects((svc.get("spec") or {}).get("selector"),
                                                    (pod_template(w).get("metadata") or {}).get("labels") or {})]
        if not report.check(bool(selected), where, "expected a selector matching a pod template of these manifests, found none"):
            continue
        for port in (svc.get("spec") or {}).get("ports") or []:
            target = port.get("targetPort", port.get("port"))
            for w in selected:
                names = {}
                numbers = set()
                for c in containers(pod_specs(w)[0]):
                    names.update(named_ports(c))
                    numbers.update(p.get("containerPort") for p in c.get("ports") or [])
                ok = target in names if isinstance(target, str) else target in numbers
                report.check(ok, f"{where} port {port.get('name')}",
                             f"expected targetPort {target} among {kind_name(w)}'s container ports {sorted(names) or sorted(numbers)}, found none")
    for w in workloads:
        for c in containers(pod_specs(w)[0]):
            where = f"{w['metadata']['x-source']} {kind_name(w)} container {c.get('name')}"
            for env in c.get("env") or []:
                for url in URL_RE.findall(str(env.get("value") or "")):
                    parts = urlsplit(url.replace("$(", "").replace(")", ""))
                    host = parts.hostname or ""
                    if not report.check(host in services, f"{where} env {env['name']}",
                                        f"expected a Service of these manifests as host {sorted(services)}, found '{host}' in {url}"):
                        continue
                    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 5432)
                    exposed = [p.get("port") for p in (services[host].get("spec") or {}).get("ports") or []]
                    report.check(port in exposed, f"{where} env {env['name']}",
                                 f"expected a port Service {host} exposes {exposed}, found {port} in {url}")
            ports = named_ports(c)
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                get = (c.get(probe) or {}).get("httpGet")
                if get:
                    port = get.get("port")
                    ok = port in ports if isinstance(port, str) else port in ports.values()
                    report.check(ok, f"{where} {probe}", f"expected a port of the container {sorted(ports)}, found {port}")


def serving(docs):
    for d in docs:
        if d.get("kind") == "Deployment" and d["metadata"]["name"] == SERVING_DEPLOYMENT:
            return d
    return None


def check_serving(report, root, docs, docs_text):
    dep = serving(docs)
    if not report.check(dep is not None, "deploy/kubernetes", f"expected a Deployment {SERVING_DEPLOYMENT}, found none"):
        return
    pod = pod_specs(dep)[0]
    where = f"{dep['metadata']['x-source']} Deployment/{SERVING_DEPLOYMENT}"
    c = (pod.get("containers") or [{}])[0]
    known = serving_env_names(root)
    for name in env_of(c):
        if name.startswith("CLOSECAST_"):
            report.check(name in known, f"{where} env {name}",
                         f"expected a variable the serving code reads {sorted(known)}, found {name}")
    port = env_value(c, "CLOSECAST_PORT")
    image_port = dockerfile_env(os.path.join(root, IMAGES["closecast-serving"])).get("CLOSECAST_PORT")
    container_ports = [p.get("containerPort") for p in c.get("ports") or []]
    report.check(port is not None and int(port) in container_ports and port == image_port, f"{where} env CLOSECAST_PORT",
                 f"expected the container port {container_ports} and the image's CLOSECAST_PORT {image_port}, found {port}")
    for probe, path in (("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live")):
        got = ((c.get(probe) or {}).get("httpGet") or {}).get("path")
        report.check(got == path, f"{where} {probe}", f"expected GET {path}, found {got}")
    mounts = {m["name"]: m for m in c.get("volumeMounts") or []}
    volumes = {v["name"]: v for v in pod.get("volumes") or []}
    # the config: configs/serving.yaml, verbatim, where the argument points
    args = c.get("args") or []
    cm_docs = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "ConfigMap"}
    found_config = False
    for vname, vol in volumes.items():
        cm = vol.get("configMap")
        if not cm or vname not in mounts:
            continue
        m = mounts[vname]
        key = m.get("subPath")
        path = m["mountPath"] if key else None
        if path and args and args[0] == path:
            found_config = True
            data = (cm_docs.get(cm["name"]) or {}).get("data") or {}
            if report.check(key in data, f"{where} volume {vname}", f"expected ConfigMap {cm['name']} with key {key}, found {sorted(data)}"):
                with open(os.path.join(root, "configs/serving.yaml"), encoding="utf-8") as f:
                    report.check(data[key] == f.read(), f"{where} volume {vname}",
                                 "expected configs/serving.yaml verbatim, found a different file: "
                                 "cp configs/serving.yaml deploy/kubernetes/config/serving.yaml")
    report.check(found_config, f"{where} args", f"expected the first argument to be a ConfigMap file mounted with subPath, found {args}")
    # the API keys: a file of a mounted Secret
    keys_file = env_value(c, "CLOSECAST_API_KEYS_FILE")
    ok = False
    for vname, vol in volumes.items():
        secret = vol.get("secret")
        if secret and vname in mounts and keys_file:
            mount = mounts[vname]["mountPath"].rstrip("/")
            if keys_file.startswith(mount + "/"):
                ok = True
                key = keys_file[len(mount) + 1:]
                check_secret_documented(report, f"{where} volume {vname}", root, dep["metadata"]["namespace"],
                                        secret["secretName"], [key], docs_text)
    report.check(ok, f"{where} env CLOSECAST_API_KEYS_FILE",
                 f"expected the key file of a mounted Secret, found {keys_file}")
    report.check(env_value(c, "CLOSECAST_API_KEYS") is None, f"{where} env CLOSECAST_API_KEYS",
                 "expected the keys from the Secret's file only, found CLOSECAST_API_KEYS set in the manifest")
    # disruption budget and autoscaler
    labels = (pod_template(dep).get("metadata") or {}).get("labels") or {}
    pdbs = [d for d in docs if d.get("kind") == "PodDisruptionBudget" and selects(d["spec"].get("selector"), labels)]
    hpas = [d for d in docs if d.get("kind") == "HorizontalPodAutoscaler"
            and (d["spec"].get("scaleTargetRef") or {}).get("name") == SERVING_DEPLOYMENT
            and (d["spec"].get("scaleTargetRef") or {}).get("kind") == "Deployment"]
    report.check(len(pdbs) == 1, where, f"expected one PodDisruptionBudget selecting its pods, found {len(pdbs)}")
    report.check(len(hpas) == 1, where, f"expected one HorizontalPodAutoscaler scaling it, found {len(hpas)}")
    if pdbs and hpas:
        min_available = pdbs[0]["spec"].get("minAvailable")
        min_replicas = hpas[0]["spec"].get("minReplicas", 1)
        report.check(isinstance(min_available, int) and isinstance(min_replicas, int) and min_available < min_replicas, f"{pdbs[0]['metadata']['x-source']} PodDisruptionBudget",
                     f"expected minAvailable below the autoscaler's minReplicas {min_replicas} (else no pod may ever be "
                     f"evicted), found {min_available}")
        report.check(not isinstance(min_replicas, int) or dep["spec"].get("replicas", 1) >= min_replicas, where,
                     f"expected replicas >= the autoscaler's minReplicas {min_replicas}, found {dep['spec'].get('replicas')}")
        if any(m.get("resource", {}).get("name") == "cpu" for m in hpas[0]["spec"].get("metrics") or []):
            report.check("cpu" in ((c.get("resources") or {}).get("requests") or {}), where,
                         "expected a cpu request (the autoscaler's utilisation is relative to it), found none")


def check_secret_documented(report, where, root, namespace, name, keys, docs_text):
    pattern = re.compile(r"kubectl -n " + re.escape(namespace) + r" create secret generic " + re.escape(name) + r"\b([^\n]*)")
    lines = [m.group(1) for m in pattern.finditer(docs_text)]
    if not report.check(bool(lines), where, f"expected docs/operations.md to create Secret {name} "
                                            f"(`kubectl -n {namespace} create secret generic {name} ...`), found no such line"):
        return
    for key in keys:
        report.check(any(re.search(r"--from-(literal|file)=" + re.escape(key) + "=", line) for line in lines), where,
                     f"expected docs/operations.md's command for Secret {name} to create key {key}, found {lines}")


def check_secret_refs(report, root, docs, docs_text):
    for w in docs:
        for pod in pod_specs(w):
            for c in containers(pod):
                for env in c.get("env") or []:
                    ref = ((env.get("valueFrom") or {}).get("secretKeyRef")) or {}
                    if ref:
                        check_secret_documented(report, f"{w['metadata']['x-source']} {kind_name(w)} env {env['name']}",
                                                root, w["metadata"]["namespace"], ref["name"], [ref["key"]], docs_text)


def check_mlflow(report, docs):
    for w in docs:
        for pod in pod_specs(w):
            for c in containers(pod):
                uri = env_value(c, "MLFLOW_BACKEND_STORE_URI")
                if uri and uri.startswith("postgres"):
                    report.check(uri.startswith("postgresql+psycopg2://"), f"{w['metadata']['x-source']} {kind_name(w)}",
                                 f"expected postgresql+psycopg2:// (SQLAlchemy 2.1 maps postgresql:// to psycopg 3, not installed), found {uri}")


def check_sweep(report, root, trials_docs, finish_docs, main_docs):
    jobs = [d for d in trials_docs if d.get("kind") == "Job"]
    if not report.check(len(jobs) == 1, "deploy/kubernetes/sweep/trials", f"expected one Job, found {len(jobs)}"):
        return
    job = jobs[0]
    where = f"{job['metadata']['x-source']} Job/{job['metadata']['name']}"
    spec = job["spec"]
    report.check(spec.get("completionMode") == "Indexed", where, f"expected completionMode Indexed, found {spec.get('completionMode')}")
    parallelism = spec.get("parallelism", 1)
    report.check(isinstance(parallelism, int) and 1 <= parallelism <= (spec.get("completions") or 1), where,
                 f"expected parallelism between 1 and completions ({spec.get('completions')}): at most one pod per "
                 f"trial, found {parallelism}")
    args = ((pod_specs(job)[0].get("containers") or [{}])[0]).get("args") or []
    if not report.check(len(args) >= 4 and args[0] == "sweep" and args[2:4] == ["--trial", "$(JOB_COMPLETION_INDEX)"], where,
                        f"expected args [sweep, CONFIG, --trial, $(JOB_COMPLETION_INDEX)], found {args}"):
        return
    config = args[1]
    path = os.path.join(root, config)
    if not report.check(os.path.isfile(path) and config.startswith("configs/"), where,
                        f"expected CONFIG in configs/ (the image copies configs/ to /app/configs), found {config}"):
        return
    with open(path, encoding="utf-8") as f:
        cfg = yaml.safe_load(f) or {}
    trials = (cfg.get("sweep") or {}).get("trials")
    report.check(spec.get("completions") == trials, where,
                 f"expected completions = sweep.trials of {config} ({trials}), found {spec.get('completions')}")
    finish = [d for d in finish_docs if d.get("kind") == "Job"]
    if report.check(len(finish) == 1, "deploy/kubernetes/sweep/finish", f"expected one Job, found {len(finish)}"):
        fargs = ((pod_specs(finish[0])[0].get("containers") or [{}])[0]).get("args") or []
        report.check(fargs[:2] == ["sweep", config] and "--register" in fargs and "--trial" not in fargs,
                     f"{finish[0]['metadata']['x-source']} Job/{finish[0]['metadata']['name']}",
                     f"expected [sweep, {config}, --register, ...] without --trial, found {fargs}")
    dep = serving(main_docs)
    if dep is not None:
        served = env_value(pod_specs(dep)[0]["containers"][0], "CLOSECAST_MODEL_NAME")
        registered = (cfg.get("mlflow") or {}).get("registered-model")
        report.check(served == registered, f"{dep['metadata']['x-source']} env CLOSECAST_MODEL_NAME",
                     f"expected the model the sweep registers ({config} mlflow.registered-model: {registered}), found {served}")


def check_retrain(report, root, retrain_docs, main_docs):
    """The retrain CronJob: after the US close in New York time, never two at once, `retrain CONFIG` of the model served."""
    jobs = [d for d in retrain_docs if d.get("kind") == "CronJob"]
    if not report.check(len(jobs) == 1, "deploy/kubernetes/retrain", f"expected one CronJob, found {len(jobs)}"):
        return
    job = jobs[0]
    where = f"{job['metadata']['x-source']} CronJob/{job['metadata']['name']}"
    spec = job["spec"]
    report.check(spec.get("concurrencyPolicy") == "Forbid", where,
                 f"expected concurrencyPolicy Forbid (one retrain at a time), found {spec.get('concurrencyPolicy')}")
    report.check(spec.get("timeZone") == "America/New_York", where,
                 f"expected timeZone America/New_York (the schedule is after the US close), found {spec.get('timeZone')}")
    fields = str(spec.get("schedule", "")).split()
    report.check(len(fields) == 5 and fields[1].isdigit() and 16 <= int(fields[1]) <= 23, where,
                 f"expected a schedule after the US close (16:00 New York time), found '{spec.get('schedule')}'")
    pod = pod_specs(job)[0]
    args = ((pod.get("containers") or [{}])[0]).get("args") or []
    if not report.check(len(args) >= 2 and args[0] == "retrain", where, f"expected args [retrain, CONFIG, ...], found {args}"):
        return
    config = args[1]
    path = os.path.join(root, config)
    if not report.check(os.path.isfile(path) and config.startswith("configs/"), where,
                        f"expected CONFIG in configs/ (the image copies configs/ to /app/configs), found {config}"):
        return
    if "--prices" in args:
        prices = args[args.index("--prices") + 1] if args.index("--prices") + 1 < len(args) else ""
        mounts = [m.get("mountPath") for c in containers(pod) for m in (c.get("volumeMounts") or [])]
        report.check(prices in mounts, where, f"expected --prices {prices} to be a mounted volume, found mounts {mounts}")
    dep = serving(main_docs)
    if dep is not None:
        with open(path, encoding="utf-8") as f:
            cfg = yaml.safe_load(f) or {}
        served = env_value(pod_specs(dep)[0]["containers"][0], "CLOSECAST_MODEL_NAME")
        registered = (cfg.get("mlflow") or {}).get("registered-model")
        report.check(served == registered, where,
                     f"expected to retrain the model served ({served}), found {config} registering {registered}")


def check_retrain_receiver(report, retrain_docs):
    """The webhook receiver: a Deployment running `retrain CONFIG --listen PORT` (the CronJob's CONFIG) on a container
    port a Service of the kustomization exposes, its bearer token from a Secret (never a literal), probes on /health."""
    deps = [d for d in retrain_docs if d.get("kind") == "Deployment"]
    if not report.check(len(deps) == 1, "deploy/kubernetes/retrain", f"expected one Deployment (the webhook receiver), found {len(deps)}"):
        return
    dep = deps[0]
    where = f"{dep['metadata']['x-source']} Deployment/{dep['metadata']['name']}"
    c = (pod_specs(dep)[0].get("containers") or [{}])[0]
    args = [str(a) for a in c.get("args") or []]
    if not report.check(len(args) >= 2 and args[0] == "retrain" and "--listen" in args, where,
                        f"expected args [retrain, CONFIG, ..., --listen PORT], found {args}"):
        return
    jobs = [d for d in retrain_docs if d.get("kind") == "CronJob"]
    if jobs:
        job_args = [str(a) for a in ((pod_specs(jobs[0])[0].get("containers") or [{}])[0]).get("args") or []]
        report.check(job_args[1:2] == args[1:2], where,
                     f"expected the CronJob's config ({job_args[1:2]}): both retrain the same model, found {args[1:2]}")
    i = args.index("--listen")
    port = args[i + 1] if i + 1 < len(args) else ""
    ports = named_ports(c)
    if report.check(port.isdigit() and int(port) in ports.values(), where,
                    f"expected --listen PORT to be a container port {sorted(ports.values())}, found '{port}'"):
        names = [n for n, v in ports.items() if v == int(port)]
        services = [d for d in retrain_docs if d.get("kind") == "Service"
                    and selects((d.get("spec") or {}).get("selector"), (pod_template(dep).get("metadata") or {}).get("labels") or {})]
        report.check(any(p.get("targetPort") in names + [int(port)] for svc in services
                         for p in (svc.get("spec") or {}).get("ports") or []), where,
                     f"expected a Service selecting the receiver with targetPort {names or port}, found {[kind_name(x) for x in services]}")
    token = [e for e in c.get("env") or [] if e.get("name") == "CLOSECAST_RETRAIN_TOKEN"]
    report.check(len(token) == 1 and ((token[0].get("valueFrom") or {}).get("secretKeyRef") or {}).get("name")
                 and "value" not in token[0], where,
                 f"expected CLOSECAST_RETRAIN_TOKEN from a Secret (valueFrom.secretKeyRef), found {token}")
    for probe in ("readinessProbe", "livenessProbe"):
        get = (c.get(probe) or {}).get("httpGet") or {}
        report.check(get.get("path") == "/health", f"{where} {probe}", f"expected GET /health, found {get or None}")


SPARK_JAR = "local:///app/spark/closecast-spark.jar"
SPARK_DRIVER_NEEDS = {"pods": {"create", "get", "list", "watch", "delete"}, "services": {"create", "get", "delete"},
                      "configmaps": {"create", "get", "delete"}}


def spark_submit(args):
    """spark-submit's arguments split: ({option: value} with --conf as {'conf': {key: value}}, app jar, app args)."""
    options, confs, i = {}, {}, 1
    while i < len(args) and str(args[i]).startswith("--") and i + 1 < len(args):
        if args[i] == "--conf":
            key, _, value = str(args[i + 1]).partition("=")
            confs[key] = value
        else:
            options[args[i]] = args[i + 1]
        i += 2
    options["conf"] = confs
    return options, (args[i] if i < len(args) else None), list(args[i + 1:])


def check_spark_sweep(report, root, docs, trials_docs):
    jobs = [d for d in docs if d.get("kind") == "Job"]
    if not report.check(len(jobs) == 1, "deploy/kubernetes/sweep/spark", f"expected one Job, found {len(jobs)}"):
        return
    job = jobs[0]
    where = f"{job['metadata']['x-source']} Job/{job['metadata']['name']}"
    pod = pod_specs(job)[0]
    c = (pod.get("containers") or [{}])[0]
    args = [str(a) for a in c.get("args") or []]
    if not report.check(args[:1] == ["spark-submit"], where, f"expected args [spark-submit, ...], found {args}"):
        return
    options, jar, app = spark_submit(args)
    confs = options["conf"]
    master = options.get("--master", "")
    report.check(master.startswith("k8s://https://"), where, f"expected --master k8s://https://..., found '{master}'")
    report.check(options.get("--deploy-mode") == "cluster", where,
                 f"expected --deploy-mode cluster, found {options.get('--deploy-mode')}")
    with open(os.path.join(root, IMAGES["closecast-pipeline"]), encoding="utf-8") as f:
        dockerfile = f.read()
    report.check(jar == SPARK_JAR and SPARK_JAR[len("local://"):] in dockerfile, where,
                 f"expected the application jar {SPARK_JAR} (copied there by {IMAGES['closecast-pipeline']}), found {jar}")
    report.check(confs.get("spark.kubernetes.container.image") == c.get("image"), where,
                 f"expected spark.kubernetes.container.image to be the Job's image '{c.get('image')}' (the driver and "
                 f"executors run the same image), found '{confs.get('spark.kubernetes.container.image')}'")
    namespace = job["metadata"].get("namespace")
    report.check(confs.get("spark.kubernetes.namespace") == namespace, where,
                 f"expected spark.kubernetes.namespace {namespace}, found {confs.get('spark.kubernetes.namespace')}")
    account = confs.get("spark.kubernetes.authenticate.driver.serviceAccountName")
    report.check(account is not None and pod.get("serviceAccountName") == account, where,
                 f"expected the driver's service account to be the Job's ({pod.get('serviceAccountName')}), found {account}")
    accounts = {d["metadata"]["name"] for d in docs if d.get("kind") == "ServiceAccount"}
    report.check(account in accounts, where, f"expected a ServiceAccount {account} in the kustomization, found {sorted(accounts)}")
    roles = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "Role"}
    granted = {}
    for binding in (d for d in docs if d.get("kind") == "RoleBinding"):
        if any(s.get("kind") == "ServiceAccount" and s.get("name") == account for s in binding.get("subjects") or []):
            role = roles.get((binding.get("roleRef") or {}).get("name"))
            for rule in (role or {}).get("rules") or []:
                if "" in (rule.get("apiGroups") or []):
                    for resource in rule.get("resources") or []:
                        granted.setdefault(resource, set()).update(rule.get("verbs") or [])
    for resource, verbs in SPARK_DRIVER_NEEDS.items():
        report.check(verbs <= granted.get(resource, set()), where,
                     f"expected {account} to be bound to a Role that may {sorted(verbs)} {resource} (the driver creates "
                     f"its executor pods, its Service and ConfigMap), found {sorted(granted.get(resource, set()))}")
    trials = [d for d in trials_docs if d.get("kind") == "Job"]
    if trials:
        want = env_value(pod_specs(trials[0])[0]["containers"][0], "MLFLOW_TRACKING_URI")
        got = confs.get("spark.kubernetes.driverEnv.MLFLOW_TRACKING_URI")
        report.check(got == want, where, f"expected the driver's MLFLOW_TRACKING_URI to be the trials Job's ({want}), found {got}")
    if not report.check(len(app) >= 4 and app[0] == "sweep" and "--spark" in app, where,
                        f"expected the application's arguments [sweep, CONFIG, --spark, MASTER, ...], found {app}"):
        return
    report.check(os.path.isfile(os.path.join(root, app[1])) and app[1].startswith("configs/"), where,
                 f"expected CONFIG in configs/ (the image copies configs/ to /app/configs), found {app[1]}")
    given = app[app.index("--spark") + 1] if app.index("--spark") + 1 < len(app) else None
    report.check(given == master, where, f"expected sweep --spark {master} (the submission's master), found {given}")


def check(root, versions=None, kubectl=False, rendered=None):
    """rendered: {kustomization dir: docs} to check instead of rendering the files (the tests use it)."""
    report = Report()
    versions = versions or DEFAULT_VERSIONS
    docs = rendered if rendered is not None else {k: render(report, root, k) for k in KUSTOMIZATIONS}
    with open(os.path.join(root, "docs/operations.md"), encoding="utf-8") as f:
        docs_text = f.read()
    everything = [d for k in KUSTOMIZATIONS for d in docs.get(k, [])]
    check_schemas(report, everything, versions, "deploy/kubernetes")
    check_images(report, root, everything)
    main_services = [d for d in docs.get(KUSTOMIZATIONS[0], []) if d.get("kind") == "Service"]
    for k in KUSTOMIZATIONS:
        # the sweep Jobs reach the Services of the main kustomization (same namespace)
        check_services_and_urls(report, docs.get(k, []), main_services if k != KUSTOMIZATIONS[0] else ())
    check_serving(report, root, docs.get(KUSTOMIZATIONS[0], []), docs_text)
    check_secret_refs(report, root, everything, docs_text)
    check_mlflow(report, everything)
    check_sweep(report, root, docs.get(KUSTOMIZATIONS[1], []), docs.get(KUSTOMIZATIONS[2], []), docs.get(KUSTOMIZATIONS[0], []))
    check_spark_sweep(report, root, docs.get(KUSTOMIZATIONS[3], []), docs.get(KUSTOMIZATIONS[1], []))
    check_retrain(report, root, docs.get(KUSTOMIZATIONS[4], []), docs.get(KUSTOMIZATIONS[0], []))
    check_retrain_receiver(report, docs.get(KUSTOMIZATIONS[4], []))
    if kubectl:
        for k in KUSTOMIZATIONS:
            out = subprocess.run(["kubectl", "kustomize", os.path.join(root, k)], capture_output=True, text=True)
            if not report.check(out.returncode == 0, f"kubectl kustomize {k}", f"expected it to render, found: {out.stderr.strip()}"):
                continue
            built = [d for d in yaml.safe_load_all(out.stdout) if d]
            for d in built:
                d.setdefault("metadata", {})["x-source"] = f"kubectl kustomize {k}"
            check_schemas(report, built, versions, k)
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
    parser.add_argument("--kubernetes-version", action="append", dest="versions",
                        help=f"default: {' and '.join(DEFAULT_VERSIONS)}")
    parser.add_argument("--kubectl", action="store_true", help="also render with `kubectl kustomize` and validate that")
    args = parser.parse_args(argv)
    if args.kubectl and shutil.which("kubectl") is None:
        print("check_kubernetes: --kubectl given, found no kubectl on the PATH", file=sys.stderr)
        return 2
    report = check(os.path.abspath(args.root), args.versions, args.kubectl)
    for e in report.errors:
        print(f"error: {e}", file=sys.stderr)
    if report.errors:
        print(f"check_kubernetes: {len(report.errors)} error(s) in {report.checks} checks", file=sys.stderr)
        return 1
    print(f"check_kubernetes: OK ({report.checks} checks; Kubernetes {', '.join(args.versions or DEFAULT_VERSIONS)}, "
          f"strict; kubernetes-validate {kubernetes_validate.__version__}{'; and kubectl kustomize' if args.kubectl else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
