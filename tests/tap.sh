# tap.sh: the TAP helpers of the test scripts that check conditions,
# sourced by them after they have made their scratch folder $t.
#
#   check DESCRIPTION CONDITION   the condition (a shell string) is
#                                 evaluated; when it fails, $t/err is shown
#   skip DESCRIPTION WHY
#   tap_end                       the plan, and the exit status
n=0
fail=0
check() {
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		fail=1
		echo "not ok $n - $1"
		[ -s "$t/err" ] && sed 's/^/# /' "$t/err" | head -20
	fi
	return 0
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
tap_end() {
	echo "1..$n"
	exit $fail
}
