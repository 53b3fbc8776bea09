-- Snapshot of SpaceX's GET /v4/launchpads (fixtures/spacex/v4-launchpads.json) so a fresh
-- database can book without network. refreshed_at is old on purpose: the first launchpad
-- refresh that reaches SpaceX replaces these rows.
insert into launchpads (id, name, full_name, locality, region, time_zone, status, refreshed_at) values
  ('5e9e4501f5090910d4566f83', 'VAFB SLC 3W', 'Vandenberg Space Force Base Space Launch Complex 3W', 'Vandenberg Space Force Base', 'California', 'America/Los_Angeles', 'retired', '2022-09-15T00:00:00Z'),
  ('5e9e4501f509094ba4566f84', 'CCSFS SLC 40', 'Cape Canaveral Space Force Station Space Launch Complex 40', 'Cape Canaveral', 'Florida', 'America/New_York', 'active', '2022-09-15T00:00:00Z'),
  ('5e9e4502f5090927f8566f85', 'STLS', 'SpaceX South Texas Launch Site', 'Boca Chica Village', 'Texas', 'America/Chicago', 'under construction', '2022-09-15T00:00:00Z'),
  ('5e9e4502f5090995de566f86', 'Kwajalein Atoll', 'Kwajalein Atoll Omelek Island', 'Omelek Island', 'Marshall Islands', 'Pacific/Kwajalein', 'retired', '2022-09-15T00:00:00Z'),
  ('5e9e4502f509092b78566f87', 'VAFB SLC 4E', 'Vandenberg Space Force Base Space Launch Complex 4E', 'Vandenberg Space Force Base', 'California', 'America/Los_Angeles', 'active', '2022-09-15T00:00:00Z'),
  ('5e9e4502f509094188566f88', 'KSC LC 39A', 'Kennedy Space Center Historic Launch Complex 39A', 'Cape Canaveral', 'Florida', 'America/New_York', 'active', '2022-09-15T00:00:00Z')
on conflict (id) do nothing;
