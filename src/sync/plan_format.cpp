#include "mailtwin/sync/plan_format.hpp"

#include "mailtwin/util/log.hpp"
#include "mailtwin/util/overload.hpp"

#include <cstdio>
#include <string_view>

namespace mailtwin::sync {

namespace {

using util::Overload;

std::string side_text(util::Side s) { return std::string(util::side_name(s)); }

// How one line writes a set of flags: flags_text (the notation scenario tables parse) or display_flags.
using FlagsWriter = std::string (*)(const model::FlagSet&);

// "+S -F,$junk" for a SetFlags; parts that are empty are left out.
std::string delta_text(const model::FlagSet& add, const model::FlagSet& remove, FlagsWriter flags) {
    std::string out;
    if (add.bits() != 0 || !add.keywords.empty()) out += " +" + flags(add);
    if (remove.bits() != 0 || !remove.keywords.empty()) out += " -" + flags(remove);
    return out;
}

std::string id_text(model::Uid uid, const std::string& key) {
    return "uid=" + (uid != 0 ? std::to_string(uid) : std::string("-")) + " key=" + (key.empty() ? "-" : key);
}

std::string json_string(std::string_view s) { return util::json_quote(s); }

std::string json_flags(const model::FlagSet& flags) {
    std::string out = "[";
    bool first = true;
    auto add = [&](std::string_view name) {
        if (!first) out += ',';
        first = false;
        out += json_string(name);
    };
    for (const auto& fl : model::k_flag_letters)
        if (flags.has(fl.flag)) add(fl.imap_name);
    for (const auto& k : flags.keywords) add(k);
    return out + "]";
}

// Builds one JSON object from "name":value members.
class JsonLine {
public:
    explicit JsonLine(std::string_view action) { str("action", action); }
    JsonLine& str(std::string_view name, std::string_view value) { return raw(name, json_string(value)); }
    JsonLine& num(std::string_view name, std::uint64_t value) { return raw(name, std::to_string(value)); }
    JsonLine& snum(std::string_view name, std::int64_t value) { return raw(name, std::to_string(value)); }
    JsonLine& flags(std::string_view name, const model::FlagSet& f) { return raw(name, json_flags(f)); }
    JsonLine& boolean(std::string_view name, bool value) { return raw(name, value ? "true" : "false"); }
    JsonLine& ids(model::Uid uid, const std::string& key) {
        if (uid != 0) num("uid", uid);
        if (!key.empty()) str("key", key);
        return *this;
    }
    JsonLine& identity(const std::optional<model::Identity>& id) {
        if (id) num("message_id_hash", id->message_id_hash);
        return *this;
    }
    [[nodiscard]] std::string done() const { return m_text + "}"; }

private:
    JsonLine& raw(std::string_view name, std::string_view value) {
        m_text += m_text.empty() ? "{" : ",";
        m_text += json_string(name);
        m_text += ':';
        m_text += value;
        return *this;
    }
    std::string m_text;
};

std::string action_text(const Action& action, FlagsWriter flags) {
    return std::visit(
        Overload{
            [](const ResetUids& a) {
                return "reset-uids uidvalidity " + std::to_string(a.old_uidvalidity) + " -> " +
                       std::to_string(a.new_uidvalidity);
            },
            [flags](const Pair& a) {
                return "pair " + id_text(a.uid, a.key) + " flags=" + flags(a.remote_flags) + "/" + flags(a.local_flags);
            },
            [](const Detach& a) { return "detach " + id_text(a.uid, a.key) + " gone=" + side_text(a.gone); },
            [](const Forget& a) { return "forget " + id_text(a.uid, a.key); },
            [flags](const SetFlags& a) {
                return "set-flags " + side_text(a.side) + " " + id_text(a.uid, a.key) +
                       delta_text(a.add, a.remove, flags);
            },
            [flags](const Record& a) {
                return "record " + id_text(a.uid, a.key) + " flags=" + flags(a.remote_flags) + "/" +
                       flags(a.local_flags);
            },
            [](const Expunge& a) { return "expunge " + side_text(a.side) + " " + id_text(a.uid, a.key); },
            [flags](const Download& a) {
                return std::string(a.restore ? "restore-" : "") + "download uid=" + std::to_string(a.uid) +
                       " flags=" + flags(a.flags) + " size=" + std::to_string(a.size);
            },
            [flags](const Upload& a) {
                return std::string(a.restore ? "restore-" : "") + "upload key=" + a.key + " flags=" + flags(a.flags) +
                       " size=" + std::to_string(a.size);
            },
            [](const Skip& a) { return "skip " + side_text(a.side) + " " + id_text(a.uid, a.key) + " " + a.reason; },
            [](const Refuse& a) {
                return "refuse deletions seen on " + side_text(a.gone) + ": " + std::to_string(a.count) + " of " +
                       std::to_string(a.paired) + " (" + a.reason + ")";
            },
        },
        action);
}

}  // namespace

std::string flags_text(const model::FlagSet& flags) {
    std::string out;
    for (const auto& fl : model::k_flag_letters)
        if (flags.has(fl.flag)) out += fl.letter;
    for (const auto& k : flags.keywords) out += "," + k;
    return out.empty() ? "-" : out;
}

std::string display_flags(const model::FlagSet& flags) {
    std::string out;
    const auto add = [&out](std::string_view name) {
        if (!out.empty()) out += ',';
        out += name;
    };
    for (const auto& fl : model::k_flag_letters)
        if (flags.has(fl.flag)) add(fl.imap_name);
    for (const auto& k : flags.keywords) add(k);
    return out.empty() ? "-" : out;
}

std::string to_text(const Action& action) { return action_text(action, flags_text); }

std::string to_display_text(const Action& action) { return action_text(action, display_flags); }

std::string to_json(const Action& action) {
    return std::visit(Overload{
                          [](const ResetUids& a) {
                              return JsonLine("reset-uids")
                                  .num("old_uidvalidity", a.old_uidvalidity)
                                  .num("new_uidvalidity", a.new_uidvalidity)
                                  .done();
                          },
                          [](const Pair& a) {
                              return JsonLine("pair")
                                  .ids(a.uid, a.key)
                                  .flags("remote_flags", a.remote_flags)
                                  .flags("local_flags", a.local_flags)
                                  .num("size", a.size)
                                  .identity(a.identity)
                                  .done();
                          },
                          [](const Detach& a) {
                              return JsonLine("detach").ids(a.uid, a.key).str("gone", util::side_name(a.gone)).done();
                          },
                          [](const Forget& a) { return JsonLine("forget").ids(a.uid, a.key).done(); },
                          [](const SetFlags& a) {
                              return JsonLine("set-flags")
                                  .str("side", util::side_name(a.side))
                                  .ids(a.uid, a.key)
                                  .flags("add", a.add)
                                  .flags("remove", a.remove)
                                  .done();
                          },
                          [](const Record& a) {
                              return JsonLine("record")
                                  .ids(a.uid, a.key)
                                  .flags("remote_flags", a.remote_flags)
                                  .flags("local_flags", a.local_flags)
                                  .done();
                          },
                          [](const Expunge& a) {
                              return JsonLine("expunge").str("side", util::side_name(a.side)).ids(a.uid, a.key).done();
                          },
                          [](const Download& a) {
                              return JsonLine("download")
                                  .num("uid", a.uid)
                                  .flags("flags", a.flags)
                                  .snum("internaldate", a.internaldate)
                                  .num("size", a.size)
                                  .boolean("restore", a.restore)
                                  .done();
                          },
                          [](const Upload& a) {
                              return JsonLine("upload")
                                  .str("key", a.key)
                                  .flags("flags", a.flags)
                                  .snum("internaldate", a.internaldate)
                                  .num("size", a.size)
                                  .boolean("restore", a.restore)
                                  .done();
                          },
                          [](const Skip& a) {
                              return JsonLine("skip")
                                  .str("side", util::side_name(a.side))
                                  .ids(a.uid, a.key)
                                  .str("reason", a.reason)
                                  .done();
                          },
                          [](const Refuse& a) {
                              return JsonLine("refuse")
                                  .str("gone", util::side_name(a.gone))
                                  .num("count", a.count)
                                  .num("paired", a.paired)
                                  .str("reason", a.reason)
                                  .done();
                          },
                      },
                      action);
}

std::vector<std::string> format_plan(const Plan& plan, PlanFormat format) {
    std::vector<std::string> lines;
    lines.reserve(plan.actions.size());
    const auto line = format == PlanFormat::json ? to_json : format == PlanFormat::display ? to_display_text : to_text;
    for (const auto& a : plan.actions) lines.push_back(line(a));
    return lines;
}

std::string refusal_text(const Refuse& r) {
    const bool local_gone = r.gone == util::Side::local;
    std::string out = "REFUSED " + std::to_string(r.count) + " of " + std::to_string(r.paired) + " deletions seen " +
                      (local_gone ? "in the Maildir" : "on the server");
    if (r.cause == RefuseCause::over_limit && r.paired > 0) {
        out += " (" + std::to_string(r.count * 100 / r.paired) +
               " %, over max_delete_percent = " + std::to_string(r.limit_percent) + ")";
        return out + ": " + (local_gone ? "the server" : "the Maildir") +
               " keeps them; run with --force to carry them out";
    }
    return out + ": " + r.reason + "; " + (local_gone ? "the server" : "the Maildir") + " keeps them";
}

}  // namespace mailtwin::sync
