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
# parse: JSON on stdout, exit 0 / 1
expect "parse ok" 0 '"ok":true,"type":"response","status":401' -- "$BIN" parse tests/vectors/bench/c-401-digest.sip
expect "parse contacts" 0 '"contacts":[{"uri":"sip:' -- "$BIN" parse tests/vectors/bench/b-200-10contacts.sip
expect "parse error" 1 '"ok":false,"error":"SIPREG_E_VERSION"' -- "$BIN" parse tests/vectors/rfc4475/badvers.sip
# compose: a REGISTER with our rules (§10.2)
expect "compose" 0 'Contact: <sip:a@b.invalid;transport=ws>;expires=300;q=0.5;+sip.instance="<urn:uuid:' -- \
  "$BIN" compose --aor sip:alice@example.test --contact 'sip:a@b.invalid;transport=ws' --expires 300 --q 0.5
expect "compose star" 0 $'Contact: *\r\nExpires: 0' -- "$BIN" compose --aor sip:alice@example.test --star
expect "compose bad option" 2 "" -- "$BIN" compose --aor sip:alice@example.test --nonsense 1
# digest: RFC 2617 §3.5
expect "digest rfc2617" 0 "6629fae49393a05397450978507c4ef1" -- "$BIN" digest --algorithm MD5 --qop auth \
  --username Mufasa --realm testrealm@host.com --password 'Circle Of Life' --method GET --uri /dir/index.html \
  --nonce dcd98b7102dd2f0e8b11d0f600bfb0c093 --nc 00000001 --cnonce 0a4f113b
# simulate: 0 when every expectation holds, 1 when one fails
expect "simulate ok" 0 "event registered" -- "$BIN" simulate tests/scenarios/01-register-through-401.scn
printf 'set aor sip:a@b.test\nt=0 transport up\nt=0 register\nexpect state registered\n' > /tmp/sipreg-cli-fail.scn
expect "simulate failing" 1 "FAIL" -- "$BIN" simulate /tmp/sipreg-cli-fail.scn
# policy: the README's failure table is exactly the core's (one rule, one place)
readme_table=$(sed -n '/<!-- failure-table:begin/,/<!-- failure-table:end/p' README.md | sed '1d;$d')
if [ "$readme_table" == "$("$BIN" policy)" ] && [ -n "$readme_table" ]; then
  echo "ok   policy table in README"
else
  echo "FAIL policy: README's failure table differs from 'sipreg policy' (regenerate it)"; fail=1
fi
# requests: the README's request table is exactly the core's
readme_requests=$(sed -n '/<!-- request-table:begin/,/<!-- request-table:end/p' README.md | sed '1d;$d')
if [ "$readme_requests" == "$("$BIN" requests)" ] && [ -n "$readme_requests" ]; then
  echo "ok   request table in README"
else
  echo "FAIL requests: README's request table differs from 'sipreg requests' (regenerate it)"; fail=1
fi
exit $fail
