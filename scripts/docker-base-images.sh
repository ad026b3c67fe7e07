#!/usr/bin/env bash
# Makes, once, the base images that deploy/Dockerfile is built on where no image registry can be reached (this project's
# machines and CI): the official images it names by default (mcr.microsoft.com/dotnet/sdk, .../aspnet, node) are replaced by
#
#   llmc-base-runtime:<tag>  Debian bookworm (debootstrap) + this machine's ASP.NET Core runtime, user `app` (uid 1654):
#                            what mcr.microsoft.com/dotnet/aspnet:10.0 gives the runtime stage
#   llmc-base-sdk:<tag>      Debian bookworm + this machine's .NET SDK, Node.js and npm: the build and CLI stages
#
# Both trust this machine's extra CA certificates (/usr/local/share/ca-certificates), so restores and npm installs made during
# a build reach the registries as this machine does. <tag> digests this script and the .NET and Node versions copied, so an
# upgrade of either, or a change here, makes new images; images that `docker image inspect` finds are kept as they are.
#
# Usage: scripts/docker-base-images.sh   (as root, with dockerd running and debootstrap installed; about 3 minutes cold)
# Prints the build arguments for deploy/Dockerfile, one NAME=VALUE per line:
#   SDK_IMAGE=llmc-base-sdk:<tag>  NODE_IMAGE=llmc-base-sdk:<tag>  RUNTIME_IMAGE=llmc-base-runtime:<tag>
set -euo pipefail

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
node_bin=$(readlink -f "$(command -v node)")
npm_root=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
aspnet_version=$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -1)
netcore_version=$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | sort -V | tail -1)
fxr_version=$(ls "$dotnet_root/host/fxr" | sort -V | tail -1)
# The Debian root (the slow part: debootstrap) is tagged by its recipe alone, so editing this script rebuilds only the fast parts.
debian_packages=ca-certificates,libicu72,libssl3,tzdata,zlib1g
debian_tag=$( { echo "bookworm minbase $debian_packages"; cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true; } | sha256sum | cut -c1-12)
tag=$( { cat "$0"; echo "$debian_tag"; dotnet --version; echo "$aspnet_version $netcore_version $fxr_version"; "$node_bin" --version; npm --version; } \
  | sha256sum | cut -c1-12)

debian_image="llmc-debian:bookworm-$debian_tag"
runtime_image="llmc-base-runtime:$tag"
sdk_image="llmc-base-sdk:$tag"

exists() { docker image inspect "$1" >/dev/null 2>&1; }

# One maker at a time (.ci/run may start it in the background while a test runs it too): the second waits, then finds the images.
exec 9>/var/lock/llmc-docker-base-images.lock
flock 9

print() {
  echo "SDK_IMAGE=$sdk_image"
  echo "NODE_IMAGE=$sdk_image"
  echo "RUNTIME_IMAGE=$runtime_image"
}

if exists "$runtime_image" && exists "$sdk_image"; then
  print
  exit 0
fi

work=$(mktemp -d /var/tmp/llmc-base-images.XXXXXX)
cleanup() {
  # debootstrap mounts /proc and /sys inside the root it makes; unmount anything left before removing it.
  grep -o " $work/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if ! exists "$debian_image"; then
  command -v debootstrap >/dev/null || { echo "debootstrap is not installed: apt-get install -y debootstrap" >&2; exit 1; }
  # The Debian mirror this machine's apt uses (deb822 or one-line sources), else deb.debian.org.
  mirror=$(grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
    | awk '{print $2}' | head -1 || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  echo "Making $debian_image with debootstrap from $mirror (about 2 minutes)..." >&2
  debootstrap --variant=minbase --include="$debian_packages" \
    bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; echo "debootstrap failed (log above)." >&2; exit 1; }
  grep -o " $work/rootfs/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work/rootfs"/var/cache/apt/archives/*.deb "$work/rootfs"/var/lib/apt/lists/* \
    "$work/rootfs"/usr/share/doc/* "$work/rootfs"/usr/share/man/* "$work/rootfs"/usr/share/locale/*
  cp /usr/local/share/ca-certificates/*.crt "$work/rootfs/usr/local/share/ca-certificates/" 2>/dev/null || true
  chroot "$work/rootfs" update-ca-certificates >/dev/null 2>&1
  tar -C "$work/rootfs" --numeric-owner --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -c . \
    | docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$debian_image" >/dev/null
  rm -rf "$work/rootfs"
fi

# The build contexts are streamed as tar archives straight from this machine's directories: nothing is copied on disk.
mkdir -p "$work/context"
if ! exists "$runtime_image"; then
  echo "Making $runtime_image..." >&2
  cat >"$work/context/Dockerfile" <<EOF
FROM $debian_image
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \\
 && groupadd --gid 1654 app && useradd --no-log-init --uid 1654 --gid 1654 --create-home app
ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true DOTNET_VERSION=$netcore_version ASPNET_VERSION=$aspnet_version
EOF
  tar -c -C "$work/context" Dockerfile \
    -C "$(dirname "$dotnet_root")" --transform "s,^$(basename "$dotnet_root"),dotnet," \
    "$(basename "$dotnet_root")/dotnet" "$(basename "$dotnet_root")/LICENSE.txt" "$(basename "$dotnet_root")/ThirdPartyNotices.txt" \
    "$(basename "$dotnet_root")/host/fxr/$fxr_version" \
    "$(basename "$dotnet_root")/shared/Microsoft.NETCore.App/$netcore_version" \
    "$(basename "$dotnet_root")/shared/Microsoft.AspNetCore.App/$aspnet_version" \
    | docker build -q -t "$runtime_image" - >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
fi

if ! exists "$sdk_image"; then
  echo "Making $sdk_image..." >&2
  cat >"$work/context/Dockerfile" <<EOF
FROM $debian_image
COPY dotnet /usr/share/dotnet
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
ENV DOTNET_RUNNING_IN_CONTAINER=true DOTNET_NOLOGO=true DOTNET_CLI_TELEMETRY_OPTOUT=true DOTNET_GENERATE_ASPNET_CERTIFICATE=false \\
    NUGET_XMLDOC_MODE=skip NUGET_CERT_REVOCATION_MODE=offline NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
EOF
  tar -c -C "$work/context" Dockerfile \
    -C "$(dirname "$dotnet_root")" --transform "s,^$(basename "$dotnet_root"),dotnet," "$(basename "$dotnet_root")" \
    -C "$(dirname "$node_bin")" --transform "s,^$(basename "$node_bin")\$,node," "$(basename "$node_bin")" \
    -C "$(dirname "$npm_root")" --transform "s,^$(basename "$npm_root"),npm," "$(basename "$npm_root")" \
    | docker build -q -t "$sdk_image" - >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
fi

# Earlier versions of these images are of no more use (their layers shared with the new ones stay).
docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^llmc-base-(runtime|sdk):' | grep -v ":$tag\$" | xargs -r docker rmi >/dev/null 2>&1 || true

print
