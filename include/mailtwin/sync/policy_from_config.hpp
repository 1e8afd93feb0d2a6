#pragma once
// Builds a sync::Policy from the parsed config. Header-only on purpose: the sync library links only
// util and model, so the application (which links config) includes this, not the planner.
#include "mailtwin/config/config.hpp"
#include "mailtwin/sync/policy.hpp"

namespace mailtwin::sync {

inline Policy policy_from_config(const config::Sync& cfg, bool force, bool full) {
    Policy p;
    switch (cfg.direction) {
        case config::Direction::both:
            p.direction = Direction::both;
            break;
        case config::Direction::pull:
            p.direction = Direction::pull;
            break;
        case config::Direction::push:
            p.direction = Direction::push;
            break;
    }
    switch (cfg.expunge) {
        case config::Expunge::both:
            p.expunge = ExpungeTo::both;
            break;
        case config::Expunge::none:
            p.expunge = ExpungeTo::none;
            break;
        case config::Expunge::local:
            p.expunge = ExpungeTo::local;
            break;
        case config::Expunge::remote:
            p.expunge = ExpungeTo::remote;
            break;
    }
    p.on_conflict = cfg.on_conflict == config::OnConflict::keep ? OnConflict::keep : OnConflict::del;
    p.keywords = cfg.keywords == config::Keywords::ignore ? KeywordMode::ignore : KeywordMode::sync;
    switch (cfg.local_keywords) {
        case config::LocalKeywords::automatic:
            p.local_keywords = LocalKeywords::automatic;
            break;
        case config::LocalKeywords::kept:
            p.local_keywords = LocalKeywords::kept;
            break;
        case config::LocalKeywords::dropped:
            p.local_keywords = LocalKeywords::dropped;
            break;
    }
    p.max_size = cfg.max_size;
    p.max_age_days = cfg.max_age_days;
    p.max_messages = cfg.max_messages;
    p.max_delete_percent = cfg.max_delete_percent;
    p.trash = !cfg.trash.empty();
    p.force = force;
    p.full = full;
    return p;
}

}  // namespace mailtwin::sync
