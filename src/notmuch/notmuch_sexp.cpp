#include "mailtwin/notmuch/notmuch_sexp.hpp"

#include <cctype>
#include <optional>
#include <system_error>

namespace mailtwin::engine {
namespace {

// One datum: a string ("..." with \" and \\ escaped, as notmuch's sexp printer writes them), an atom
// (:keyword, nil, t, a number) or a list.
struct Datum {
    enum class Kind { string, atom, list } kind = Kind::atom;
    std::string text;
    std::vector<Datum> items;
};

class Reader {
public:
    Reader(std::string_view text, std::vector<NotmuchMessage>& out) : m_text(text), m_out(out) {}

    // Reads every top-level datum; false on malformed input.
    bool read_all() {
        for (skip_space(); m_pos < m_text.size(); skip_space())
            if (!read_datum()) return false;
        return true;
    }

private:
    std::optional<Datum> read_datum() {
        if (m_pos >= m_text.size()) return std::nullopt;
        const char c = m_text[m_pos];
        if (c == '(') return read_list();
        if (c == '"') return read_string();
        if (c == ')') return std::nullopt;
        Datum atom;
        while (m_pos < m_text.size() && !std::isspace(static_cast<unsigned char>(m_text[m_pos])) &&
               m_text[m_pos] != '(' && m_text[m_pos] != ')' && m_text[m_pos] != '"')
            atom.text += m_text[m_pos++];
        return atom;
    }

    std::optional<Datum> read_string() {
        Datum s{Datum::Kind::string, {}, {}};
        for (++m_pos; m_pos < m_text.size(); ++m_pos) {
            char c = m_text[m_pos];
            if (c == '"') {
                ++m_pos;
                return s;
            }
            if (c == '\\' && ++m_pos < m_text.size()) c = m_text[m_pos];
            s.text += c;
        }
        return std::nullopt;  // unterminated
    }

    std::optional<Datum> read_list() {
        Datum list{Datum::Kind::list, {}, {}};
        ++m_pos;
        for (skip_space(); m_pos < m_text.size() && m_text[m_pos] != ')'; skip_space()) {
            auto item = read_datum();
            if (!item) return std::nullopt;
            list.items.push_back(std::move(*item));
        }
        if (m_pos >= m_text.size()) return std::nullopt;  // unclosed
        ++m_pos;
        // A message's property list is kept as a message and then dropped, with its headers.
        if (auto message = as_message(list)) {
            m_out.push_back(std::move(*message));
            return Datum{Datum::Kind::list, {}, {}};
        }
        return list;
    }

    // (:id "..." ... :filename ("..." ...) ... :tags ("..." ...)) -> a message.
    static std::optional<NotmuchMessage> as_message(const Datum& list) {
        NotmuchMessage m;
        bool has_id = false;
        for (std::size_t i = 0; i + 1 < list.items.size(); ++i) {
            const Datum& key = list.items[i];
            const Datum& value = list.items[i + 1];
            if (key.kind != Datum::Kind::atom) continue;
            if (key.text == ":id" && value.kind == Datum::Kind::string) {
                m.id = value.text;
                has_id = true;
            } else if (key.text == ":filename") {
                strings_of(value, m.files);
            } else if (key.text == ":tags") {
                strings_of(value, m.tags);
            }
        }
        if (!has_id) return std::nullopt;
        return m;
    }

    static void strings_of(const Datum& d, std::vector<std::string>& out) {
        if (d.kind == Datum::Kind::string) out.push_back(d.text);
        for (const auto& item : d.items)
            if (item.kind == Datum::Kind::string) out.push_back(item.text);
    }

    void skip_space() {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos]))) ++m_pos;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::vector<NotmuchMessage>& m_out;
};

}  // namespace

util::Expected<std::vector<NotmuchMessage>> parse_notmuch_show(std::string_view sexp) {
    std::vector<NotmuchMessage> out;
    Reader reader(sexp, out);
    if (!reader.read_all())
        return util::unexpected(util::Error{std::make_error_code(std::errc::bad_message),
                                            "cannot read the output of notmuch show --format=sexp"});
    return out;
}

}  // namespace mailtwin::engine
