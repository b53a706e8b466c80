#!/usr/bin/env bash
# Installs Ferry from this repository's build (run ./mvnw package -DskipTests first), as root:
#   deploy/install.sh              install, or upgrade in place (a running service is restarted), the build made
#                                  last: the JVM build (target/quarkus-app) or the native binary (target/*-runner)
#   deploy/install.sh --jvm        install the JVM build (--native: the native binary), whichever is newer
#   deploy/install.sh --uninstall  remove the program and the unit; configuration and data stay
# DESTDIR=/some/root installs into that tree instead (no user is created, no systemctl): what CI checks.
#
# Run as root, this script never follows a path that the service user can change: it creates /var/lib/ferry and
# /var/log/ferry (and the example outbox) only when they do not exist yet, hands them to the user right after, and
# never touches them again; an upgrade reads nothing and changes nothing in them. What the service user makes (the
# AOT cache below) is read back with the user's own rights.
#
#   /opt/ferry/bin/ferry                  the launcher (native binary if one was built, else the JVM build)
#   /opt/ferry/lib/                       quarkus-app/ (the JVM build) or ferry-runner (native)
#   /etc/ferry/application.properties     example configuration, never overwritten
#   /etc/ferry/routes/                    example route, never overwritten
#   /etc/ferry/credentials/               passwords (root only), handed over by systemd (LoadCredential=)
#   /var/lib/ferry/                       state and the example outbox (user ferry)
#   /var/log/ferry/                       logs (user ferry)
#   /etc/systemd/system/ferry.service     the hardened unit, enabled
set -euo pipefail
cd "$(dirname "$0")/.."
DESTDIR=${DESTDIR:-}
ROOT=${DESTDIR%/}
USER_NAME=ferry

say() { echo "ferry install: $*"; }
die() { echo "ferry install: $*" >&2; exit 1; }
systemd_running() { [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; }

if [ "${1:-}" = "--uninstall" ]; then
  if systemd_running; then
    systemctl disable --now ferry.service 2>/dev/null || true
  fi
  rm -rf "$ROOT/opt/ferry"
  rm -f "$ROOT/etc/systemd/system/ferry.service"
  rm -rf "$ROOT/etc/systemd/system/ferry.service.d/native.conf"
  rmdir "$ROOT/etc/systemd/system/ferry.service.d" 2>/dev/null || true
  if systemd_running; then systemctl daemon-reload; fi
  say "removed /opt/ferry and the unit; kept /etc/ferry, /var/lib/ferry and /var/log/ferry"
  exit 0
fi
choice=
case "${1:-}" in
  "") ;;
  --jvm | --native) choice=${1#--} ;;
  *) die "unknown option $1 (use --jvm, --native, --uninstall, or nothing)" ;;
esac
[ "$(id -u)" = 0 ] || [ -n "$DESTDIR" ] || die "run as root (or set DESTDIR to install into a tree)"

# what to install: the build made last, unless the operator names one (a native binary left from an older build
# must not win over a fresh JVM build, nor the other way round)
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || jar=
runner=
for file in target/*-runner; do
  if [ -f "$file" ] && { [ -z "$runner" ] || [ "$file" -nt "$runner" ]; }; then runner=$file; fi
done
case "$choice" in
  jvm) [ -n "$jar" ] || die "no JVM build: run ./mvnw package -DskipTests first"; runner= ;;
  native) [ -n "$runner" ] || die "no native binary: run ./mvnw package -Dnative -DskipTests first" ;;
  *)
    if [ -z "$runner" ] && [ -z "$jar" ]; then
      die "nothing built: run ./mvnw package -DskipTests (or -Dnative) first"
    fi
    if [ -n "$runner" ] && [ -n "$jar" ] && [ "$jar" -nt "$runner" ]; then runner=; fi ;;
esac
if [ -n "$runner" ]; then
  say "installing the native binary $runner, built $(date -r "$runner" '+%F %T')"
else
  say "installing the JVM build target/quarkus-app, built $(date -r "$jar" '+%F %T')"
fi

if [ -z "$DESTDIR" ] && ! id "$USER_NAME" >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/ferry --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
  say "created the system user $USER_NAME"
fi
# the service user's files are handed over when root installs and the user exists (into a DESTDIR tree too, as CI
# checks it); never through a symbolic link, and only on what this run has just created
owner() {
  if [ "$(id -u)" = 0 ] && id "$USER_NAME" >/dev/null 2>&1; then chown -h "$USER_NAME:$USER_NAME" -- "$@"; fi
}

# the program: staged beside the old one, then swapped in, so a running service never sees half of it
install -d -m 755 "$ROOT/opt/ferry" "$ROOT/opt/ferry/bin"
stage=$(mktemp -d "$ROOT/opt/ferry/.lib.XXXXXX")
if [ -n "$runner" ]; then
  install -m 755 "$runner" "$stage/ferry-runner"
else
  # root's copy: the build's owner (whoever ran mvnw) must not own code the service runs
  cp -R target/quarkus-app "$stage/quarkus-app"
  chmod -R u+rwX,go+rX,go-w "$stage/quarkus-app"
  # a cache made at build time (quarkus.package.jar.appcds.*) fits only the build's JVM and relative class path: the
  # one below is made on this host instead
  rm -f "$stage/quarkus-app/app.aot" "$stage/quarkus-app/app.aotconf" "$stage/quarkus-app/app-cds.jsa"
fi
chmod 755 "$stage"
rm -rf "$ROOT/opt/ferry/lib.old"
[ -d "$ROOT/opt/ferry/lib" ] && mv "$ROOT/opt/ferry/lib" "$ROOT/opt/ferry/lib.old"
mv "$stage" "$ROOT/opt/ferry/lib"
rm -rf "$ROOT/opt/ferry/lib.old"
install -m 755 deploy/ferry "$ROOT/opt/ferry/bin/ferry"
install -m 644 README.md "$ROOT/opt/ferry/README.md"
install -d -m 755 "$ROOT/opt/ferry/docs"
install -m 644 docs/*.md "$ROOT/opt/ferry/docs/"
install -d -m 755 "$ROOT/opt/ferry/bench"
install -m 644 bench/README.md "$ROOT/opt/ferry/bench/README.md"

# configuration: an operator's files are never touched
install -d -m 755 "$ROOT/etc/ferry"
install -d -m 700 "$ROOT/etc/ferry/credentials"
if [ ! -e "$ROOT/etc/ferry/application.properties" ]; then
  install -m 644 deploy/etc/application.properties "$ROOT/etc/ferry/application.properties"
  say "wrote the example /etc/ferry/application.properties: set the target's host and user"
fi
if [ ! -e "$ROOT/etc/ferry/routes" ]; then
  install -d -m 755 "$ROOT/etc/ferry/routes"
  install -m 644 deploy/etc/routes/outbox.yaml "$ROOT/etc/ferry/routes/outbox.yaml"
fi
if [ ! -e "$ROOT/etc/ferry/credentials/transfer" ]; then
  (umask 077 && printf 'CHANGE-ME\n' > "$ROOT/etc/ferry/credentials/transfer")
  say "put the password in /etc/ferry/credentials/transfer"
fi

# state and logs: made on the first install only, root's until handed over (inner directory first, while nobody else
# can write in the outer one); an existing one belongs to the service user, who may have put anything in it
mkdir -p "$ROOT/var/lib" "$ROOT/var/log"
if [ ! -e "$ROOT/var/lib/ferry" ] && [ ! -L "$ROOT/var/lib/ferry" ]; then
  mkdir -m 750 "$ROOT/var/lib/ferry" "$ROOT/var/lib/ferry/outbox"
  owner "$ROOT/var/lib/ferry/outbox"
  owner "$ROOT/var/lib/ferry"
fi
if [ ! -e "$ROOT/var/log/ferry" ] && [ ! -L "$ROOT/var/log/ferry" ]; then
  mkdir -m 750 "$ROOT/var/log/ferry"
  owner "$ROOT/var/log/ferry"
fi

# JVM 25 and newer: an AOT cache of what start-up loads, made with this host's JVM and the installed paths (a cache
# serves only the JVM build and class path it was made with): 'ferry validate' is run once, as the service user, on a
# throwaway configuration of its own (one target, one route on an empty directory), so that it reads no credential
# and touches no source. The launcher uses the cache when present; after a JVM update the JVM leaves it unused:
# install again to remake it. Into a DESTDIR tree only with FERRY_AOT=yes (its paths are those of the tree).
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
aot="$ROOT/opt/ferry/lib/quarkus-app/ferry.aot"
rm -f "$aot"
flags=$("$java_bin" -XX:+PrintFlagsFinal -version 2>/dev/null || true)
if [ -z "$runner" ] && { [ -z "$DESTDIR" ] || [ "${FERRY_AOT:-}" = yes ]; } && grep -q ' AOTCacheOutput ' <<<"$flags"
then
  # root's directory (mktemp: 700, a name nobody can guess) with the throwaway configuration; the user writes only in
  # out/, and what it wrote there is read back as the user: a link it planted there reads nothing root's
  work=$(mktemp -d)
  chmod 755 "$work"
  mkdir -p "$work/cfg/routes" "$work/out/outbox"
  printf 'training\n' > "$work/cfg/password"
  chmod 644 "$work/cfg/password"
  printf '%s\n' "ferry.targets.aot.host=127.0.0.1" "ferry.targets.aot.port=21" "ferry.targets.aot.username=aot" \
    "ferry.targets.aot.password-file=$work/cfg/password" > "$work/cfg/application.properties"
  printf '%s\n' "- templatedRoute:" "    routeTemplateRef: ftps-upload" "    routeId: aot" "    parameters:" \
    "      - name: source" "        value: $work/out/outbox" "      - name: target" "        value: aot" \
    "      - name: remoteDir" "        value: in" > "$work/cfg/routes/aot.yaml"
  as_user=()
  if [ "$(id -u)" = 0 ] && id "$USER_NAME" >/dev/null 2>&1; then
    chown -h "$USER_NAME:" "$work/out/outbox" "$work/out"
    as_user=(setpriv "--reuid=$USER_NAME" "--regid=$USER_NAME" --init-groups --)
  fi
  if ${as_user[@]+"${as_user[@]}"} env -i PATH=/usr/bin:/bin LANG=C.UTF-8 FERRY_CONFIG_DIR="$work/cfg" \
      "$java_bin" -XX:AOTCacheOutput="$work/out/ferry.aot" -jar "$ROOT/opt/ferry/lib/quarkus-app/quarkus-run.jar" \
      validate > "$work/training.log" 2>&1 \
      && timeout 60 ${as_user[@]+"${as_user[@]}"} sh -c 'test -f "$1" && ! test -L "$1" && exec head -c 2G -- "$1"' \
        sh "$work/out/ferry.aot" > "$work/ferry.aot"; then
    install -m 644 "$work/ferry.aot" "$aot"
    say "made the JVM's AOT cache $aot (faster start)"
  else
    say "no AOT cache made (the service starts without one): $(tail -1 "$work/training.log")"
  fi
  # what the user made is removed with the user's rights, the rest with root's
  ${as_user[@]+"${as_user[@]}"} rm -rf "$work/out" || true
  rm -rf "$work"
fi

# the unit, with the native drop-in when the native binary is installed
install -d -m 755 "$ROOT/etc/systemd/system"
install -m 644 deploy/ferry.service "$ROOT/etc/systemd/system/ferry.service"
if [ -n "$runner" ]; then
  install -d -m 755 "$ROOT/etc/systemd/system/ferry.service.d"
  install -m 644 deploy/ferry.service.d/native.conf "$ROOT/etc/systemd/system/ferry.service.d/native.conf"
else
  rm -f "$ROOT/etc/systemd/system/ferry.service.d/native.conf"
fi
if systemd_running; then
  systemctl daemon-reload
  systemctl enable ferry.service >/dev/null
  if systemctl is-active --quiet ferry.service; then
    systemctl restart ferry.service
    say "upgraded and restarted ferry.service"
  else
    say "enabled ferry.service: edit /etc/ferry, then systemctl start ferry"
  fi
else
  say "installed into ${DESTDIR:-/} (no systemd running: enable with systemctl enable --now ferry)"
fi
