#!/usr/bin/env python3
"""Checks docker-compose.yml and the files it uses without a Docker engine.

    check_compose.py [--root DIR] [--compose FILE]

What it checks (each problem is printed as "error: <where>: <what was expected>, found <what>"):
  - the compose file parses and has services; each service has an image or a build whose context,
    Dockerfile and COPY sources exist;
  - every bind mount's host path exists, every named volume is declared;
  - every depends_on names a service with a valid condition, and service_healthy targets have a
    health check; every long-running service has a health check (compose or Dockerfile HEALTHCHECK);
  - URLs agree with the services: every http(s)/postgresql URL in an environment variable whose host is a
    compose service uses a port that service listens on; serving's MLFLOW_TRACKING_URI names the mlflow
    service; health checks probe the service's own port;
  - prometheus.yml (found through the prometheus service's mounts) scrapes compose services on ports they
    listen on, serving and mlflow among them, and its rule files exist;
  - the Grafana data source URL is the prometheus service and port, the dashboards provider path is a
    mounted directory holding the dashboards, each dashboard parses, and every panel and target names the
    provisioned data source uid.
Exit status: 0 when there is no error (warnings are printed), 1 otherwise, 2 on usage errors.
"""
import argparse
import glob
import json
import os
import re
import shlex
import sys
from urllib.parse import urlsplit

import yaml

LONG_RUNNING_EXEMPT_RESTART = {"no"}
VALID_CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
URL_RE = re.compile(r"\b(?:https?|postgresql(?:\+\w+)?|postgres)://[^\s\"',]+")


class Report:
    def __init__(self):
        self.errors = []
        self.warnings = []
        self.checks = 0

    def check(self, ok, where, message):
        self.checks += 1
        if not ok:
            self.errors.append(f"{where}: {message}")
        return ok

    def warn(self, where, message):
        self.warnings.append(f"{where}: {message}")


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def env_map(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        out = {}
        for item in env:
            key, _, val = str(item).partition("=")
            out[key] = val
        return out
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def expand_defaults(text):
    """Replaces ${VAR:-default} / ${VAR-default} with default and ${VAR} with an empty string, as compose
    does when VAR is unset (the check judges the file, not this shell's environment)."""
    return re.sub(r"\$\{(\w+)(?::?-([^}]*))?\}", lambda m: m.group(2) or "", text)


def parse_mounts(service):
    """(kind, source, target) for each volume entry: kind 'bind' or 'volume'."""
    mounts = []
    for entry in as_list(service.get("volumes")):
        if isinstance(entry, dict):
            kind = entry.get("type", "volume")
            mounts.append((kind, str(entry.get("source", "")), str(entry.get("target", ""))))
            continue
        parts = str(entry).split(":")
        if len(parts) == 1:
            mounts.append(("volume", "", parts[0]))
            continue
        source, target = parts[0], parts[1]
        kind = "bind" if source.startswith((".", "/", "~")) else "volume"
        mounts.append((kind, source, target))
    return mounts


def host_path(root, service, container_path):
    """The host file behind container_path through the service's bind mounts (longest match), or None."""
    best = None
    for kind, source, target in parse_mounts(service):
        if kind != "bind":
            continue
        target = target.rstrip("/")
        if container_path == target or container_path.startswith(target + "/"):
            if best is None or len(target) > len(best[1]):
                best = (source, target)
    if best is None:
        return None
    rest = container_path[len(best[1]):].lstrip("/")
    return os.path.normpath(os.path.join(root, best[0], rest))


def dockerfile_of(root, service):
    build = service.get("build")
    if build is None:
        return None, None
    if isinstance(build, str):
        context, dockerfile = build, "Dockerfile"
    else:
        context, dockerfile = build.get("context", "."), build.get("dockerfile", "Dockerfile")
    context_dir = os.path.normpath(os.path.join(root, context))
    return context_dir, os.path.normpath(os.path.join(context_dir, dockerfile))


def dockerfile_instructions(path):
    """(instruction, arguments) pairs with line continuations joined and comments dropped."""
    lines, current = [], ""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            stripped = raw.strip()
            if not current and (not stripped or stripped.startswith("#")):
                continue
            if stripped.startswith("#"):
                continue
            if stripped.endswith("\\"):
                current += stripped[:-1] + " "
                continue
            current += stripped
            lines.append(current)
            current = ""
    if current:
        lines.append(current)
    out = []
    for line in lines:
        instruction, _, args = line.partition(" ")
        out.append((instruction.upper(), args.strip()))
    return out


def service_ports(root, name, service):
    """Container ports the service listens on: ports (container side), expose and Dockerfile EXPOSE."""
    ports = set()
    for entry in as_list(service.get("ports")):
        if isinstance(entry, dict):
            ports.add(str(entry.get("target")))
            continue
        spec = str(entry).split("/")[0]
        ports.add(spec.split(":")[-1])
    for entry in as_list(service.get("expose")):
        ports.add(str(entry).split("/")[0])
    _, dockerfile = dockerfile_of(root, service)
    if dockerfile and os.path.isfile(dockerfile):
        for instruction, args in dockerfile_instructions(dockerfile):
            if instruction == "EXPOSE":
                ports.update(p.split("/")[0] for p in args.split())
    return ports


def default_port(scheme):
    return {"http": "80", "https": "443"}.get(scheme, "5432" if scheme.startswith("postgres") else "")


def check_build(report, root, name, service):
    where = f"services.{name}"
    if "build" not in service:
        report.check("image" in service, where, "expected an image or a build, found neither")
        return
    context_dir, dockerfile = dockerfile_of(root, service)
    if not report.check(os.path.isdir(context_dir), f"{where}.build.context",
                        f"expected an existing directory, found no {os.path.relpath(context_dir, root)}"):
        return
    if not report.check(os.path.isfile(dockerfile), f"{where}.build.dockerfile",
                        f"expected an existing file, found no {os.path.relpath(dockerfile, root)}"):
        return
    instructions = dockerfile_instructions(dockerfile)
    report.check(any(i == "FROM" for i, _ in instructions), os.path.relpath(dockerfile, root),
                 "expected a FROM instruction, found none")
    for instruction, args in instructions:
        if instruction not in ("COPY", "ADD"):
            continue
        words = [w for w in shlex.split(args)]
        if any(w.startswith("--from") for w in words):
            continue
        sources = [w for w in words if not w.startswith("--")][:-1]
        for source in sources:
            if "://" in source:
                continue
            path = os.path.join(context_dir, source)
            report.check(os.path.exists(path) or any(ch in source for ch in "*?["),
                         f"{os.path.relpath(dockerfile, root)} {instruction} {source}",
                         f"expected {os.path.relpath(path, root)} in the build context, found nothing")


def check_mounts(report, root, name, service, declared_volumes):
    for kind, source, target in parse_mounts(service):
        where = f"services.{name}.volumes {source}:{target}"
        report.check(target.startswith("/"), where, f"expected an absolute container path, found '{target}'")
        if kind == "bind":
            path = os.path.normpath(os.path.join(root, source))
            report.check(os.path.exists(path), where, f"expected the host path {source} to exist, found nothing")
        elif source:
            report.check(source in declared_volumes, where,
                         f"expected named volume '{source}' declared under top-level volumes, "
                         f"found {sorted(declared_volumes)}")


def has_healthcheck(root, service):
    hc = service.get("healthcheck")
    if isinstance(hc, dict):
        return not hc.get("disable", False) and bool(hc.get("test"))
    _, dockerfile = dockerfile_of(root, service)
    if dockerfile and os.path.isfile(dockerfile):
        return any(i == "HEALTHCHECK" and not a.upper().startswith("NONE")
                   for i, a in dockerfile_instructions(dockerfile))
    return False


def healthcheck_text(root, service):
    hc = service.get("healthcheck")
    if isinstance(hc, dict) and hc.get("test"):
        test = hc["test"]
        return " ".join(test) if isinstance(test, list) else str(test)
    _, dockerfile = dockerfile_of(root, service)
    if dockerfile and os.path.isfile(dockerfile):
        for i, a in dockerfile_instructions(dockerfile):
            if i == "HEALTHCHECK":
                return a
    return ""


def check_dependencies(report, root, name, service, services):
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        deps = {d: {"condition": "service_started"} for d in deps}
    for dep, spec in deps.items():
        where = f"services.{name}.depends_on.{dep}"
        if not report.check(dep in services, where, f"expected a service of this file, found none named '{dep}' "
                                                    f"(services: {sorted(services)})"):
            continue
        report.check(dep != name, where, "a service cannot depend on itself")
        condition = (spec or {}).get("condition", "service_started")
        if not report.check(condition in VALID_CONDITIONS, where,
                            f"expected condition in {sorted(VALID_CONDITIONS)}, found '{condition}'"):
            continue
        if condition == "service_healthy":
            report.check(has_healthcheck(root, services[dep]), where,
                         f"condition service_healthy needs a health check on '{dep}', found none")
        if condition == "service_completed_successfully":
            restart = str(services[dep].get("restart", "no"))
            report.check(restart in ("no", "on-failure"), where,
                         f"service_completed_successfully needs a one-shot '{dep}' (restart no), found restart {restart}")


def check_urls(report, root, name, service, services, ports):
    for key, value in env_map(service).items():
        for url in URL_RE.findall(expand_defaults(value)):
            parts = urlsplit(url)
            host = parts.hostname or ""
            where = f"services.{name}.environment.{key}"
            if host in ("localhost", "127.0.0.1", "0.0.0.0"):
                report.check(False, where, f"expected a compose service host, found '{host}' in {url} "
                                           "(inside a container that is the container itself)")
                continue
            if host not in services:
                report.warn(where, f"{url} names '{host}', not a service of this file")
                continue
            port = str(parts.port or default_port(parts.scheme))
            report.check(port in ports[host], where,
                         f"expected a port '{host}' listens on {sorted(ports[host])}, found {port} in {url}")
    hc = healthcheck_text(root, service)
    for url in URL_RE.findall(hc):
        parts = urlsplit(url)
        if parts.hostname in ("localhost", "127.0.0.1"):
            port = str(parts.port or default_port(parts.scheme))
            report.check(port in ports[name], f"services.{name}.healthcheck",
                         f"expected the probe on a port the service listens on {sorted(ports[name])}, found {url}")


def find_service(services, *names):
    for n in names:
        if n in services:
            return n
    return None


def check_backend_store(report, services):
    """MLflow 3.17 ships SQLAlchemy 2.1, which maps a bare postgresql:// to the psycopg (3) driver; the image
    installs psycopg2-binary (registry-server/requirements.txt), so the URI must name +psycopg2."""
    for name, service in services.items():
        uri = env_map(service or {}).get("MLFLOW_BACKEND_STORE_URI", "")
        scheme = urlsplit(expand_defaults(uri)).scheme
        if scheme.startswith("postgres"):
            report.check(scheme == "postgresql+psycopg2", f"services.{name}.environment.MLFLOW_BACKEND_STORE_URI",
                         f"expected scheme postgresql+psycopg2 (the driver the image installs), found '{scheme}'")


def check_serving(report, services, ports):
    serving = find_service(services, "serving")
    mlflow = find_service(services, "mlflow")
    if not report.check(serving is not None, "services", "expected a 'serving' service, found none"):
        return
    if not report.check(mlflow is not None, "services", "expected an 'mlflow' service, found none"):
        return
    env = env_map(services[serving])
    uri = env.get("MLFLOW_TRACKING_URI", "")
    where = f"services.{serving}.environment.MLFLOW_TRACKING_URI"
    if report.check(bool(uri), where, "expected the MLflow server's URL, found nothing"):
        parts = urlsplit(expand_defaults(uri))
        report.check(parts.hostname == mlflow, where, f"expected host '{mlflow}', found '{parts.hostname}' in {uri}")
        report.check(str(parts.port) in ports[mlflow], where,
                     f"expected a port of '{mlflow}' {sorted(ports[mlflow])}, found {parts.port} in {uri}")
    port = env.get("CLOSECAST_PORT")
    if port is not None:
        report.check(port in ports[serving], f"services.{serving}.environment.CLOSECAST_PORT",
                     f"expected the port serving publishes {sorted(ports[serving])}, found {port}")
    for key in ("CLOSECAST_MODEL_NAME", "CLOSECAST_MODEL_ALIAS"):
        report.check(bool(env.get(key)), f"services.{serving}.environment.{key}", "expected a value, found none")


def command_flag(service, flag, default):
    for word in as_list(service.get("command")):
        if str(word).startswith(flag + "="):
            return str(word).split("=", 1)[1]
    return default


def check_prometheus(report, root, services, ports):
    name = find_service(services, "prometheus")
    if not report.check(name is not None, "services", "expected a 'prometheus' service, found none"):
        return
    service = services[name]
    config_in_container = command_flag(service, "--config.file", "/etc/prometheus/prometheus.yml")
    config = host_path(root, service, config_in_container)
    where = f"services.{name}"
    if not report.check(config is not None and os.path.isfile(config), where,
                        f"expected {config_in_container} mounted from a file of the repository, found "
                        f"{config if config else 'no bind mount'}"):
        return
    rel = os.path.relpath(config, root)
    with open(config, encoding="utf-8") as f:
        prom = yaml.safe_load(f) or {}
    for rule_file in prom.get("rule_files") or []:
        path = os.path.join(os.path.dirname(config), rule_file)
        # a glob (retrain/*.yml) must match at least one file here, as Prometheus loads what it matches
        found = [p for p in glob.glob(path) if os.path.isfile(p)] if any(ch in rule_file for ch in "*?[") else (
            [path] if os.path.isfile(path) else [])
        report.check(bool(found), f"{rel} rule_files", f"expected {rule_file} next to it, found nothing")
    scraped = set()
    for job in prom.get("scrape_configs") or []:
        job_name = job.get("job_name", "?")
        for static in job.get("static_configs") or []:
            for target in static.get("targets") or []:
                where = f"{rel} job {job_name} target {target}"
                host, _, port = str(target).rpartition(":")
                if not report.check(host in services, where,
                                    f"expected a compose service as host, found '{host}' (services: {sorted(services)})"):
                    continue
                report.check(port in ports[host], where,
                             f"expected a port '{host}' listens on {sorted(ports[host])}, found '{port}'")
                scraped.add(host)
    for wanted in ("serving", "mlflow"):
        if wanted in services:
            report.check(wanted in scraped, rel, f"expected a scrape target on service '{wanted}', found {sorted(scraped)}")


def check_grafana(report, root, services, ports):
    name = find_service(services, "grafana")
    prometheus = find_service(services, "prometheus")
    if not report.check(name is not None, "services", "expected a 'grafana' service, found none"):
        return
    service = services[name]
    provisioning = host_path(root, service, "/etc/grafana/provisioning")
    if not report.check(provisioning is not None and os.path.isdir(provisioning), f"services.{name}",
                        "expected /etc/grafana/provisioning mounted from a directory of the repository, found "
                        f"{provisioning if provisioning else 'no bind mount'}"):
        return
    uids = set()
    ds_dir = os.path.join(provisioning, "datasources")
    ds_files = sorted(f for f in os.listdir(ds_dir) if f.endswith((".yml", ".yaml"))) if os.path.isdir(ds_dir) else []
    report.check(bool(ds_files), os.path.relpath(ds_dir, root), "expected a data source file, found none")
    for fname in ds_files:
        path = os.path.join(ds_dir, fname)
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        for ds in doc.get("datasources") or []:
            uid = ds.get("uid")
            report.check(bool(uid), f"{rel} datasource {ds.get('name')}", "expected a fixed uid, found none")
            if uid:
                uids.add(uid)
            if ds.get("type") == "prometheus":
                parts = urlsplit(str(ds.get("url", "")))
                where = f"{rel} datasource {ds.get('name')} url"
                report.check(parts.hostname == prometheus, where,
                             f"expected host '{prometheus}' (the prometheus service), found '{parts.hostname}'")
                if prometheus:
                    report.check(str(parts.port) in ports[prometheus], where,
                                 f"expected a port of '{prometheus}' {sorted(ports[prometheus])}, found {parts.port}")
    dash_dir = os.path.join(provisioning, "dashboards")
    providers = []
    if os.path.isdir(dash_dir):
        for fname in sorted(os.listdir(dash_dir)):
            if fname.endswith((".yml", ".yaml")):
                with open(os.path.join(dash_dir, fname), encoding="utf-8") as f:
                    providers += (yaml.safe_load(f) or {}).get("providers") or []
    report.check(bool(providers), os.path.relpath(dash_dir, root), "expected a dashboards provider, found none")
    for provider in providers:
        container = str((provider.get("options") or {}).get("path", ""))
        where = f"dashboards provider {provider.get('name')} path {container}"
        host = host_path(root, service, container)
        if not report.check(host is not None and os.path.isdir(host), where,
                            f"expected a directory mounted into services.{name}, found "
                            f"{host if host else 'no bind mount'}"):
            continue
        dashboards = sorted(f for f in os.listdir(host) if f.endswith(".json"))
        report.check(bool(dashboards), where, "expected dashboard JSON files, found none")
        for fname in dashboards:
            check_dashboard(report, os.path.join(host, fname), uids, root)
    home = env_map(service).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        host = host_path(root, service, home)
        report.check(host is not None and os.path.isfile(host), f"services.{name}.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH",
                     f"expected a mounted file, found {host if host else 'no bind mount'} for {home}")


def iter_panels(panels):
    for panel in panels or []:
        yield panel
        yield from iter_panels(panel.get("panels"))


def check_dashboard(report, path, uids, root):
    rel = os.path.relpath(path, root)
    try:
        with open(path, encoding="utf-8") as f:
            dash = json.load(f)
    except json.JSONDecodeError as e:
        report.check(False, rel, f"expected valid JSON, found {e}")
        return
    report.check(bool(dash.get("uid")), rel, "expected a dashboard uid, found none")
    ids = [p.get("id") for p in iter_panels(dash.get("panels"))]
    report.check(len(ids) == len(set(ids)), rel, f"expected unique panel ids, found {ids}")
    with_targets = 0
    for panel in iter_panels(dash.get("panels")):
        if panel.get("type") == "row":
            continue
        where = f"{rel} panel {panel.get('id')} '{panel.get('title')}'"
        uid = (panel.get("datasource") or {}).get("uid") if isinstance(panel.get("datasource"), dict) else None
        report.check(uid in uids, where, f"expected datasource uid in {sorted(uids)}, found {uid!r}")
        targets = panel.get("targets") or []
        report.check(bool(targets), where, "expected at least one query, found none")
        with_targets += bool(targets)
        for target in targets:
            tuid = (target.get("datasource") or {}).get("uid") if isinstance(target.get("datasource"), dict) else uid
            report.check(tuid in uids, f"{where} target {target.get('refId')}",
                         f"expected datasource uid in {sorted(uids)}, found {tuid!r}")
            report.check(bool(str(target.get("expr", "")).strip()), f"{where} target {target.get('refId')}",
                         "expected a PromQL expr, found an empty one")
    report.check(with_targets > 0, rel, "expected panels with queries, found none")


def one_shot_jobs(services):
    """Services that run once and exit (restart "no", awaited with service_completed_successfully): they
    need no health check."""
    jobs = set()
    for service in services.values():
        deps = (service or {}).get("depends_on")
        if isinstance(deps, dict):
            for dep, spec in deps.items():
                if (spec or {}).get("condition") == "service_completed_successfully":
                    if str((services.get(dep) or {}).get("restart", "no")) in LONG_RUNNING_EXEMPT_RESTART:
                        jobs.add(dep)
    return jobs


def check(root, compose_path):
    report = Report()
    rel = os.path.relpath(compose_path, root)
    try:
        with open(compose_path, encoding="utf-8") as f:
            compose = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        report.check(False, rel, f"expected a readable YAML file, found {e}")
        return report
    if not report.check(isinstance(compose, dict) and isinstance(compose.get("services"), dict) and compose["services"],
                        rel, "expected a mapping with non-empty 'services'"):
        return report
    services = compose["services"]
    declared_volumes = set((compose.get("volumes") or {}).keys())
    ports = {name: service_ports(root, name, s or {}) for name, s in services.items()}
    for name, service in services.items():
        service = service or {}
        check_build(report, root, name, service)
        check_mounts(report, root, name, service, declared_volumes)
        check_dependencies(report, root, name, service, services)
        check_urls(report, root, name, service, services, ports)
        if name not in one_shot_jobs(services):
            report.check(has_healthcheck(root, service), f"services.{name}",
                         "expected a health check (compose healthcheck or Dockerfile HEALTHCHECK), found none")
        for entry in as_list(service.get("ports")):
            spec = str(entry) if not isinstance(entry, dict) else f"{entry.get('published')}:{entry.get('target')}"
            report.check(re.fullmatch(r"(\d+(\.\d+){3}:)?(\d+:)?\d+(/(tcp|udp))?", spec) is not None,
                         f"services.{name}.ports", f"expected HOST:CONTAINER ports, found '{spec}'")
    check_serving(report, services, ports)
    check_backend_store(report, services)
    check_prometheus(report, root, services, ports)
    check_grafana(report, root, services, ports)
    pipeline = services.get("pipeline") or {}
    for word in as_list(pipeline.get("command")):
        if re.fullmatch(r"[\w./-]+\.(ya?ml|csv)", str(word)) and not os.path.isfile(os.path.join(root, str(word))):
            report.warn("services.pipeline.command",
                        f"{word} is not in the repository yet (the image copies configs/ and data/; the job fails without it)")
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
    parser.add_argument("--compose", default=None, help="default: ROOT/docker-compose.yml")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)
    compose = os.path.abspath(args.compose or os.path.join(root, "docker-compose.yml"))
    report = check(root, compose)
    for w in report.warnings:
        print(f"warning: {w}")
    for e in report.errors:
        print(f"error: {e}", file=sys.stderr)
    if report.errors:
        print(f"check_compose: {len(report.errors)} error(s) in {report.checks} checks", file=sys.stderr)
        return 1
    print(f"check_compose: OK ({report.checks} checks, {len(report.warnings)} warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
