# bash completion for muni and its tools (muni-fetch, muni-transform,
# muni-anonymize, muni-validate, muni-publish). The options are read from
# each tool's --help, so that they are always those of the tool installed;
# an option's argument is completed from its known values, else as a file.

# The options of tool $1, one a line, long then short, each followed by
# its argument's name when it takes one: "--format FMT", "-f FMT".
_muni_options()
{
	"$1" --help 2>/dev/null | sed -n '
	    s/^ \{1,\}\(-[A-Za-z0-9]\), \(--[a-z0-9-]*\)\( [A-Z][A-Z_]*\)\{0,1\}.*/\2\3\
\1\3/p
	    s/^ \{1,\}\(--[a-z0-9-]*\)\( [A-Z][A-Z_]*\)\{0,1\}.*/\1\2/p'
}

# The values of option $2 of tool $1, or nothing when it takes a file.
_muni_values()
{
	case ${1##*/}:$2 in
	muni-validate:-f | muni-validate:--format)
		echo "text json csv junit github html" ;;
	muni-fetch:-f | muni-fetch:--format)
		echo "csv xlsx ods json xml sqlite dbf shp zip" ;;
	*:--geometry) echo "geojson lonlat wkt centroid" ;;
	muni-transform:--keep) echo "first last" ;;
	*:--lang) echo "fr en" ;;
	*:-d | *:--delimiter) echo "tab , ; |" ;;
	*:-e | *:--encoding)
		echo "UTF-8 WINDOWS-1252 ISO-8859-15 ISO-8859-1 UTF-16" ;;
	esac
}

# Complete word $cword of words[] for tool $1 (words[0] is the tool).
_muni_tool_words()
{
	local tool=$1 cur=${COMP_WORDS[COMP_CWORD]} prev= opts line argopts=
	[ "$COMP_CWORD" -gt "$2" ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	opts=$(_muni_options "$tool")
	while read -r line; do
		case $line in *" "*) argopts="$argopts ${line%% *}" ;; esac
	done <<<"$opts"
	case " $argopts " in
	*" ${prev:-none} "*)
		local values
		values=$(_muni_values "$tool" "$prev")
		if [ -n "$values" ]; then
			mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W \
		    "$(grep -- '^--' <<<"$opts" | cut -d' ' -f1)" -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
}

_muni_tool()
{
	_muni_tool_words "$1" 1
}

_muni()
{
	local cur=${COMP_WORDS[COMP_CWORD]} dir
	if [ "$COMP_CWORD" = 1 ]; then
		mapfile -t COMPREPLY < <(compgen -W \
		    "fetch transform anonymize validate publish help --help --version" -- "$cur")
		return
	fi
	case ${COMP_WORDS[1]} in
	help)
		[ "$COMP_CWORD" = 2 ] && mapfile -t COMPREPLY < <(compgen -W \
		    "fetch transform anonymize validate publish" -- "$cur")
		return ;;
	fetch | transform | anonymize | validate | publish) ;;
	*) return ;;
	esac
	# muni runs the muni-TOOL beside it, else the one on the PATH.
	dir=$(dirname -- "$(command -v -- "$1")")
	local tool=$dir/muni-${COMP_WORDS[1]}
	[ -x "$tool" ] || tool=muni-${COMP_WORDS[1]}
	_muni_tool_words "$tool" 2
}

complete -F _muni -o filenames muni
complete -F _muni_tool -o filenames muni-fetch muni-transform muni-anonymize \
    muni-validate muni-publish
