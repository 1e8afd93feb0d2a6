#pragma once
// The one translation from an account's `layout` setting to the Maildir layout that sync, watch,
// status and folders use: a new layout is added to config::Layout, maildir::LayoutKind and here.
#include "mailtwin/config/config.hpp"
#include "mailtwin/maildir/layout.hpp"

namespace mailtwin::engine {

maildir::Layout local_layout(const config::Account& account);

}  // namespace mailtwin::engine
