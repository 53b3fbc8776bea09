-- Identity: users and the login throttle.
--
-- Register inserts and lets the unique indexes decide: two registrations of one name racing
-- on any number of replicas end with one row, and the loser's unique violation (23505) is
-- answered ALREADY_EXISTS. The indexes are on lower(...), so "Ada" and "ada" collide even for
-- a writer that forgot to lower-case (the service stores usernames lower-cased anyway).

create table users (
  id            uuid primary key,
  username      text not null check (username ~ '^[a-z0-9_.-]{3,32}$'),
  email         text not null check (length(email) between 3 and 254),
  -- PHC string of Argon2id; the parameters live in the string, so a login can tell when the
  -- hash was made with older ones and rehash it.
  password_hash text not null check (password_hash like '$argon2id$%'),
  role          text not null default 'user' check (role in ('user', 'operator')),
  created_at    timestamptz not null default now()
);

create unique index users_username_key on users (lower(username));
create unique index users_email_key on users (lower(email));

-- Failed-login counters shared by every replica: one row per username or client address
-- ('username:ada', 'address:203.0.113.7'). A window starts at the first attempt counted in it
-- and lasts LOGIN_FAILURE_WINDOW; an attempt is counted (an upsert that increments) before
-- its password is checked, and a successful login takes its attempt back, so only failures
-- add up and racing attempts cannot all pass a check made before any of them counted.
create table login_throttle (
  key          text primary key,
  window_start timestamptz not null,
  attempts     integer not null check (attempts >= 0)
);

-- Expired windows are pruned a few rows at a time by later attempts (oldest first).
create index login_throttle_window_start on login_throttle (window_start);
