// LCS: the longest common subsequence of two string values, as Redis 7.0's lcsCommand.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "command_support.hpp"
#include "handlers.hpp"
#include "respcache/commands/replies.hpp"
#include "respcache/protocol/integer.hpp"

namespace respcache::commands {
namespace {

using storage::EntryView;

struct LcsOptions {
  bool len = false;
  bool idx = false;
  bool with_match_len = false;
  long long min_match_len = 0;
};

// Redis allocates the (a+1) x (b+1) table however large and reports a failed allocation; a
// cache must not take that much transient memory from its budget, so respcache refuses a
// table above this with the same text.
constexpr std::uint64_t kMaxTableBytes = 512ULL * 1024 * 1024;

/// One matched run: the ranges in a and in b, inclusive.
struct Match {
  std::uint32_t a_start, a_end, b_start, b_end;
};

bool parse_options(CommandContext& ctx, LcsOptions& opts) {
  for (std::size_t j = 3; j < ctx.argc(); ++j) {
    const std::string_view opt = ctx.args[j];
    if (iequals(opt, "idx")) {
      opts.idx = true;
    } else if (iequals(opt, "len")) {
      opts.len = true;
    } else if (iequals(opt, "withmatchlen")) {
      opts.with_match_len = true;
    } else if (iequals(opt, "minmatchlen") && j + 1 < ctx.argc()) {
      const auto parsed = protocol::parse_int64(ctx.args[++j]);
      if (!parsed) {
        ctx.reply.error(replies::kNotInteger);
        return false;
      }
      opts.min_match_len = *parsed < 0 ? 0 : *parsed;
    } else {
      ctx.reply.error(replies::kSyntaxError);
      return false;
    }
  }
  if (opts.idx && opts.len) {
    ctx.reply.error(replies::kLcsLenAndIdx);
    return false;
  }
  return true;
}

std::string copy_value(CommandContext& ctx, std::string_view key) {
  std::string value;
  const bool hit = ctx.db().read(key, [&](const EntryView& e) { value.assign(e.value); });
  count_lookup(ctx, hit);
  return value;
}

/// Walks the table back from its corner as Redis does, building the subsequence and the
/// matched runs (last run first) that are at least `min_len` long.
void backtrack(std::string_view a, std::string_view b, const std::vector<std::uint32_t>& table,
               long long min_len, std::string& result, std::vector<Match>& matches) {
  const std::size_t width = b.size() + 1;
  auto at = [&](std::size_t i, std::size_t j) { return table[i * width + j]; };
  const auto alen = static_cast<std::uint32_t>(a.size());
  std::uint32_t idx = at(a.size(), b.size());
  result.assign(idx, '\0');
  Match run{alen, 0, 0, 0};  // a_start == alen: no run in progress
  std::size_t i = a.size();
  std::size_t j = b.size();
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[--idx] = a[i - 1];
      if (run.a_start == alen) {
        run = {static_cast<std::uint32_t>(i - 1), static_cast<std::uint32_t>(i - 1),
               static_cast<std::uint32_t>(j - 1), static_cast<std::uint32_t>(j - 1)};
      } else if (run.a_start == i && run.b_start == j) {
        --run.a_start;
        --run.b_start;
      } else {
        emit = true;
      }
      if (run.a_start == 0 || run.b_start == 0) emit = true;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (run.a_start != alen) emit = true;
    }
    if (emit) {
      const long long length = static_cast<long long>(run.a_end) - run.a_start + 1;
      if (min_len == 0 || length >= min_len) matches.push_back(run);
      run.a_start = alen;
    }
  }
}

}  // namespace

void cmd_lcs(CommandContext& ctx) {
  // Each value is copied out under its own shard's lock: no call holds two.
  const std::string a = copy_value(ctx, ctx.args[1]);
  const std::string b = copy_value(ctx, ctx.args[2]);
  LcsOptions opts;
  if (!parse_options(ctx, opts)) return;
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) {
    ctx.reply.error(replies::kLcsTooLong);
    return;
  }
  const std::uint64_t cells = (a.size() + 1) * static_cast<std::uint64_t>(b.size() + 1);
  if (cells * sizeof(std::uint32_t) > kMaxTableBytes) {
    ctx.reply.error(replies::kLcsNoMemory);
    return;
  }

  // table[i * (|b| + 1) + j]: the LCS length of a[0, i) and b[0, j).
  const std::size_t width = b.size() + 1;
  std::vector<std::uint32_t> table(cells, 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      table[i * width + j] = a[i - 1] == b[j - 1]
                                 ? table[(i - 1) * width + j - 1] + 1
                                 : std::max(table[(i - 1) * width + j], table[i * width + j - 1]);
    }
  }
  const long long length = table.back();
  if (opts.len) {
    ctx.reply.integer(length);
    return;
  }
  std::string result;
  std::vector<Match> matches;
  backtrack(a, b, table, opts.min_match_len, result, matches);
  if (!opts.idx) {
    ctx.reply.bulk(result);
    return;
  }
  ctx.reply.map(2);
  ctx.reply.bulk("matches");
  ctx.reply.array(matches.size());
  for (const Match& m : matches) {
    ctx.reply.array(opts.with_match_len ? 3 : 2);
    ctx.reply.array(2);
    ctx.reply.integer(m.a_start);
    ctx.reply.integer(m.a_end);
    ctx.reply.array(2);
    ctx.reply.integer(m.b_start);
    ctx.reply.integer(m.b_end);
    if (opts.with_match_len) ctx.reply.integer(static_cast<long long>(m.a_end) - m.a_start + 1);
  }
  ctx.reply.bulk("len");
  ctx.reply.integer(length);
}

}  // namespace respcache::commands
