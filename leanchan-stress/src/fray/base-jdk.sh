#!/usr/bin/env bash
# Makes a "base JDK" for Fray's prepare-fray goal (fray-plugins-maven) out of a JDK 25 that has no jmods/ folder
# (Temurin 24+ and most JDK 25 builds link from their run-time image instead, JEP 493).
#
#   base-jdk.sh REAL_JDK_HOME OUT_DIR
#
# prepare-fray runs `<jdk>/bin/jlink ... --add-modules=ALL-MODULE-PATH --module-path=<jdk>/jmods --fray-instrumentation`,
# which needs packaged modules. OUT_DIR/bin/java is the real java; OUT_DIR/bin/jlink is the real jlink with those two
# options replaced by the run-time image's own module list (jdk.jlink and jdk.jpackage left out: JEP 493 does not
# let a run-time-image link include jdk.jlink). Fray's instrumentation is a jlink plugin and works the same way.
set -euo pipefail
real=$1
out=$2
mkdir -p "$out/bin"
ln -sfn "$real/bin/java" "$out/bin/java"
if [ -d "$real/jmods" ]; then
  ln -sfn "$real/bin/jlink" "$out/bin/jlink"
  ln -sfn "$real/jmods" "$out/jmods"
  exit 0
fi
mods=$("$real/bin/java" --list-modules | sed 's/@.*//' | grep -v -x -E 'jdk\.jlink|jdk\.jpackage' | paste -sd, -)
cat > "$out/bin/jlink" <<JLINK
#!/usr/bin/env bash
args=()
for a in "\$@"; do
  case "\$a" in
    --add-modules=ALL-MODULE-PATH) args+=("--add-modules=$mods") ;;
    --module-path=*/jmods) ;;
    *) args+=("\$a") ;;
  esac
done
exec "$real/bin/jlink" "\${args[@]}"
JLINK
chmod +x "$out/bin/jlink"
