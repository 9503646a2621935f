#!/usr/bin/env bash
# run.sh SIPREG — CLI behaviour: exit codes and JSON of `sipreg parse`, `uri-equal`, `digest`.
set -u
BIN=$1
fail=0
expect() { # expect NAME WANT_EXIT WANT_STDOUT_SUBSTRING -- CMD...
  local name=$1 want_rc=$2 want_out=$3; shift 4
  local out rc
  out=$("$@" 2>/tmp/sipreg-cli-err); rc=$?
  if [ "$rc" != "$want_rc" ] || [[ "$out" != *"$want_out"* ]]; then
    echo "FAIL $name: exit $rc (want $want_rc), stdout: $out, stderr: $(cat /tmp/sipreg-cli-err)"; fail=1
  else
    echo "ok   $name"
  fi
}
expect "uri-equal equal" 0 "equal" -- "$BIN" uri-equal 'sip:%61lice@atlanta.com;transport=TCP' 'sip:alice@AtLanTa.CoM;Transport=tcp'
expect "uri-equal different" 1 "different" -- "$BIN" uri-equal 'sip:alice@atlanta.com' 'sip:ALICE@atlanta.com'
expect "uri-equal bad uri" 2 "" -- "$BIN" uri-equal 'sip:alice@' 'sip:bob@x'
exit $fail
