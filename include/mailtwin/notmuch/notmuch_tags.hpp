#pragma once
// The rules of the keyword <-> tag sync, pure (notmuch_sync.hpp does the I/O):
//   - an IMAP keyword and a notmuch tag are the same name, case kept: keyword "Work" is tag "Work",
//     "$Label1" is "$Label1"; so each round trip is exact.
//   - notmuch's own tags never cross: those it sets itself (inbox, unread, new, attachment, signed,
//     encrypted) or derives from the Maildir flags mailtwin already syncs as IMAP flags (replied,
//     flagged, passed, draft; unread is \Seen), the tags of notmuch's new.tags and those of the
//     account's notmuch_ignore_tags; nor does a tag
//     that cannot be an IMAP keyword (RFC 3501 atom: printable ASCII without space and (){%*"\]).
//     A keyword of those names stays on the server and becomes no tag.
//   - three-way, per name, against the base (what both sides agreed on at the last step): a name
//     added on either side since then is added on the other, a name removed on either side is
//     removed on the other. Added on one side and removed on the other cannot happen (added means
//     "not in the base", removed means "in it"), so there is no conflict rule to choose.
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mailtwin::engine {

class TagFilter {
public:
    // `never_sent`: tags besides notmuch's own that never cross (notmuch's new.tags, the account's
    // notmuch_ignore_tags).
    explicit TagFilter(const std::vector<std::string>& never_sent = {});
    // Whether `name` crosses between keywords and tags.
    [[nodiscard]] bool crosses(std::string_view name) const;
    [[nodiscard]] std::set<std::string> crossing(const std::set<std::string>& names) const;

private:
    std::set<std::string, std::less<>> m_never;
};

struct TagChanges {
    std::set<std::string> add_to_files;       // keywords to add to every file of the message
    std::set<std::string> remove_from_files;  // keywords to remove from every file of it
    std::set<std::string> add_tags;
    std::set<std::string> remove_tags;
    [[nodiscard]] bool empty() const noexcept {
        return add_to_files.empty() && remove_from_files.empty() && add_tags.empty() && remove_tags.empty();
    }
};

// `tags`: the message's crossing tags now; `keywords`: the crossing keywords of its files now (the
// union over them); `base`: both at the last step (empty for a message new to the tag sync).
TagChanges merge_tags(const std::set<std::string>& tags, const std::set<std::string>& keywords,
                      const std::set<std::string>& base);

}  // namespace mailtwin::engine
