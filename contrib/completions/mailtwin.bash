# bash completion for mailtwin(1): commands, options, and account names read from the config file.
# Installed to share/bash-completion/completions/mailtwin (loaded on demand by bash-completion).

# Account names: the [accounts.NAME] (or [accounts."NAME"]) tables of the config in use.
_mailtwin_accounts() {
    local config=$1
    if [[ -z $config ]]; then
        config=${XDG_CONFIG_HOME:-$HOME/.config}/mailtwin/config.toml
    fi
    config=${config/#\~/$HOME}
    [[ -r $config ]] || return
    sed -nE -e 's/^[[:space:]]*\[accounts\.([A-Za-z0-9_@-]+)\][[:space:]]*(#.*)?$/\1/p' \
            -e 's/^[[:space:]]*\[accounts\."([^"]+)"\][[:space:]]*(#.*)?$/\1/p' "$config"
}

_mailtwin() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local commands="sync watch status folders check-config forget help"
    local global_opts="--config -c --verbose -v --quiet -q --log-format --progress --ext-exit --help -h --version"

    case $prev in
        --config|-c)
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return ;;
        --log-format)
            COMPREPLY=($(compgen -W "text json" -- "$cur"))
            return ;;
        --progress)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return ;;
        --folder|--idle-folder)
            return ;;  # remote names: ask `mailtwin folders ACCOUNT`
        --interval|--debounce)
            return ;;  # a number
    esac

    # Find the command and the config file named so far.
    local i command="" config="" accounts_given=0
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --config|-c) config=${words[i+1]}; ((i++)) ;;
            --config=*) config=${words[i]#--config=} ;;
            --log-format|--progress|--folder|--interval|--idle-folder|--debounce) ((i++)) ;;
            -*) ;;
            *)
                if [[ -z $command ]]; then command=${words[i]}; else ((accounts_given++)); fi ;;
        esac
    done

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    local opts=""
    case $command in
        sync) opts="--folder --dry-run --full --force --ext-exit" ;;
        forget) opts="--folder" ;;
        status) opts="--json --offline" ;;
        watch) opts="--interval --idle-folder --debounce --no-notify" ;;
        folders|check-config|help) opts="" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    case $command in
        check-config) return ;;
        help)
            ((accounts_given > 0)) || COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            return ;;
        folders|forget) ((accounts_given > 0)) && return ;;
    esac
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$(_mailtwin_accounts "$config")" -- "$cur"))
}

complete -F _mailtwin mailtwin
