#include "mailtwin/settings/local_layout.hpp"

namespace mailtwin::engine {
namespace {

// A switch without default: the compiler names any config::Layout added later and left out here.
maildir::LayoutKind kind_of(config::Layout layout) {
    switch (layout) {
        case config::Layout::verbatim:
            return maildir::LayoutKind::verbatim;
        case config::Layout::maildir_plus_plus:
            return maildir::LayoutKind::maildir_plus_plus;
        case config::Layout::dotted:
            return maildir::LayoutKind::dotted;
    }
    return maildir::LayoutKind::verbatim;  // unreachable: every enumerator is handled above
}

}  // namespace

maildir::Layout local_layout(const config::Account& account) {
    return maildir::Layout(account.maildir, kind_of(account.layout));
}

}  // namespace mailtwin::engine
