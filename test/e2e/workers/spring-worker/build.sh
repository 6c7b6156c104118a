#!/usr/bin/env bash
# Builds the Spring Boot worker into a cache outside the repository and prints the jar's path as
# the last line of stdout:
#   ${TEMPORAL_E2E_CACHE:-$HOME/.cache/temporal-cdk8s-e2e}/spring-worker-<hash>/app.jar
# <hash> is the first 12 hex digits of a sha256 over pom.xml and src/ (paths and contents), so a
# changed source gives a new folder; an existing folder with its stamp is reused as it is.
# Maven runs on a copy of the sources inside that folder (no target/ in the repository); its
# output goes to stderr. Env: MAVEN_REPO_LOCAL (default: Maven's own, ~/.m2/repository).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${TEMPORAL_E2E_CACHE:-$HOME/.cache/temporal-cdk8s-e2e}"

hash="$(cd "$here" && find pom.xml src -type f -print0 | LC_ALL=C sort -z \
  | xargs -0 sha256sum | sha256sum | cut -c1-12)"
out="$cache/spring-worker-$hash"
jar="$out/app.jar"
stamp="$out/.built"

mkdir -p "$cache"
exec 9>"$cache/spring-worker-$hash.lock"
flock 9   # one build per hash at a time; a second caller waits and then finds the stamp

if [[ -f "$stamp" && -f "$jar" ]]; then
  echo "spring-worker: cached ($out)" >&2
  echo "$jar"
  exit 0
fi

echo "spring-worker: building into $out" >&2
rm -rf "$out"
mkdir -p "$out/src"
cp -R "$here/pom.xml" "$here/src" "$out/src/"

mvn_args=(-q -B -Dstyle.color=never package -DskipTests -f "$out/src/pom.xml")
if [[ -n "${MAVEN_REPO_LOCAL:-}" ]]; then mvn_args+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL"); fi
mvn "${mvn_args[@]}" >&2

cp "$out/src/target/app.jar" "$jar"
rm -rf "$out/src/target"
# The pod runs as uid 1000: the jar (bind-mounted into it) must be readable by others.
chmod 0755 "$out"
chmod 0644 "$jar"
date -u +%FT%TZ >"$stamp"
echo "$jar"
