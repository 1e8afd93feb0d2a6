// Property tests of the planner alone (design.md habit 6), over random scenario tables: swap the
// sides -> the mirrored plan; the same inputs -> the same plan; for every policy. The same properties
// through the real executor and state DB, with "apply a plan and plan again -> nothing to do", are in
// tests/unit/engine/test_store_sync_properties.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "mailtwin/sync/planner.hpp"
#include "scenario.hpp"

namespace mailtwin::sync {
namespace {

// MAILTWIN_SEEDS=<n> runs n cases instead of the CI default.
int case_count() {
    if (const char* env = std::getenv("MAILTWIN_SEEDS")) return std::max(1, std::atoi(env));
    return 3000;
}

class Gen {
public:
    explicit Gen(std::uint64_t seed) : m_rng(seed) {}
    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }

    std::string flags() {
        static const char* k_choices[] = {"-", "S", "F", "FS", "T", "S,$a", ",$b", "RS,$a,$b"};
        return k_choices[below(8)];
    }
    // "@x" with a few identities so that matching happens, or none.
    std::string identity() {
        static const char* k_choices[] = {"", "@a", "@b", "@c"};
        return k_choices[below(4)];
    }

    // Nine slots; ids are single digits so uid order and key order agree when mirrored.
    test::Scenario scenario() {
        test::Scenario s;
        s.name = "random";
        const bool has_state = below(6) != 0;
        if (has_state) s.state = "none";
        for (int id = 1; id <= 9; ++id) {
            const std::string n = std::to_string(id);
            const int row = has_state ? below(6) : 5;
            const std::string id_text = identity();
            if (row <= 2)
                s.state += " " + n + "=" + n + ":" + flags() + "/" + flags() + id_text;
            else if (row == 3)
                s.state += " " + std::string(below(2) ? "-=" + n : n + "=-") + ":" + flags() + "/" + flags() + id_text +
                           (below(2) ? "!" : "");
            if (below(4) != 0) s.remote += " " + n + ":" + flags() + id_text + (below(5) == 0 ? "#5000" : "");
            if (below(4) != 0) s.local += " " + n + ":" + flags() + (below(3) ? id_text : identity());
        }
        return s;
    }

    Policy policy() {
        Policy p;
        p.direction = static_cast<Direction>(below(3));
        p.expunge = static_cast<ExpungeTo>(below(4));
        p.on_conflict = below(2) ? OnConflict::keep : OnConflict::del;
        p.keywords = below(3) ? KeywordMode::sync : KeywordMode::ignore;
        p.max_size = below(3) == 0 ? 1000 : 0;
        p.max_delete_percent = below(2) ? 50 : 100;
        p.force = below(4) == 0;
        return p;
    }

private:
    std::mt19937_64 m_rng;
};

TEST(PlannerProperties, SwappingTheSidesMirrorsThePlan) {
    for (int i = 0; i < case_count(); ++i) {
        Gen gen(static_cast<std::uint64_t>(i));
        const auto s = gen.scenario();
        auto policy = gen.policy();
        // The one rule with a side of its own: keyword letters a Maildir reader dropped
        // (test_local_keywords.cpp). "kept" reads letters like the server's keywords.
        policy.local_keywords = LocalKeywords::kept;
        const auto o = test::run(s, policy);
        ASSERT_EQ(test::mirrored_sorted_lines(o.flipped), test::sorted_lines(o.plan))
            << "case " << i << "\nremote:" << s.remote << "\nstate:" << s.state << "\nlocal:" << s.local;
    }
}

TEST(PlannerProperties, PlanningIsDeterministic) {
    for (int i = 0; i < 200; ++i) {
        Gen gen(static_cast<std::uint64_t>(i) + 77);
        const auto s = gen.scenario();
        const auto policy = gen.policy();
        EXPECT_EQ(test::lines(test::run(s, policy).plan), test::lines(test::run(s, policy).plan));
    }
}

}  // namespace
}  // namespace mailtwin::sync
