import { SETTINGS_USAGE } from './commands/settings';

/** The CLI's help: `npm run gentie -- help`, and after any usage error. The README's list follows it. */

export const USAGE = `usage: npm run gentie -- <command>

  migrate                                      bring the database schema up to date
  user:create <name> [--role member|moderator|admin]
                                               create a member; the password is read from stdin
  board:create <slug> <name> [--description <text>]
                                               create a board
  board:moderator <slug> <name>                make a member a moderator (版主) of a board
  board:set <slug> [--review new|links|off] [--public-bans on|off]
                                               change a board's settings: which posts wait for a
                                               moderator's review (new: every post by a new member;
                                               links: a new member's posts with links to other
                                               sites; off: none; the queue is /b/<slug>/queue),
                                               whether /b/<slug>/bans lists its bans
  board:rename <slug> <name>                   rename a board
  board:describe <slug> <text>                 set a board's description
  board:move <slug> <position>                 set a board's place in the order (lowest first)
  board:archive <slug>                         archive a board (read-only, left out of /, the site's
                                               hot list, search and feeds)
  board:unarchive <slug>                       open an archived board again
  board:delete <slug>                          delete a board with no posts (refused otherwise)
  board:unmoderator <slug> <name>              stop a member moderating a board
  member:role <name> member|admin              make a member an admin, or no longer one
  member:delete <name> --posts keep|remove     delete an account: its posts stay under 已註銷用戶 or
                                               are deleted; sessions end; the name stays reserved
  member:ban <name> --days N|--forever --reason TEXT
                                               ban a member from the whole site (as the console's
                                               site ban: they are told; admins cannot be banned)
  member:unban <name>                          lift the member's site bans in force
  member:reset-link <name>                     print a one-time password-reset link (24 hours) to
                                               pass on (on PUBLIC_URL when set)
  member:trust <name> on|off|auto              trust a member by hand (never new), un-trust them
                                               (always new), or go back to the thresholds
  seed:demo                                    add the demo board (if missing) and a demo thread
  posts:resanitize                             render every stored post and 悄悄話 again from its source
                                               through the current sanitizer, with progress bars
  search:reindex [--only stale]                rebuild the search index, with a progress bar (safe while
                                               the forum serves); --only stale: posts not yet indexed or
                                               indexed by older folding rules
  users:confusable                             list members whose names look alike or hold invisible
                                               characters (kept from before such names were refused)
  address:ban <cidr> --until <date|duration> --reason <text>
                                               refuse registering and posting from an address or range
                                               (203.0.113.7, 203.0.113.0/24, 2001:db8::/32) until a date
                                               (2027-01-01) or for a duration (30m, 12h, 7d, 2w)
  address:unban <cidr>                         lift the bans on exactly that address or range
  address:bans                                 list the address bans in force
${SETTINGS_USAGE}
  glossary:export [file] [--board <slug>] [--format json]
                                               print (or write) the site's glossary, or a board's,
                                               as a file (docs/conversion.md, "Glossaries")
  glossary:import <file> [--board <slug>] [--replace]
                                               merge a glossary file into the terms (--replace: it
                                               becomes the whole glossary); a new version, in the
                                               history (the site's also in the audit log)
  glossary:add <text> [--board <slug>] [--zh-hans <form>] [--zh-hant <form>] [--zh-tw <form>] [--zh-hk <form>]
                                               add or replace a term (no forms: never converted)
  glossary:remove <text> [--board <slug>]      remove a term
  convert <text> [--to <variant>] [--from <variant>]
  convert --explain <text> [--to …] [--from …]
                                               convert text as readers get it (variants: zh-hans,
                                               zh-hant, zh-tw, zh-hk; --from: as detected; --to: the
                                               other script, Taiwan's for simplified text); --explain
                                               prints each stage's words and choices and why
  export <file>                                the whole forum into one archive (mode 0600: it holds
                                               password hashes and 悄悄話), from a consistent snapshot
                                               while the forum serves; copy it off the machine
  import <file>                                an archive into an empty database, the forum read-only
                                               meanwhile; refuses a database that holds a forum
  import --verify <file>                       restore drill: the archive into a scratch database,
                                               read back and compared with its checksums, then dropped
  maintenance:off                              end the read-only mode a killed import left behind
                                               (the forum starts without the archive)

environment: DATABASE_URL (unset: the embedded database in DATA_DIR, default ./data), LOG_LEVEL`;
