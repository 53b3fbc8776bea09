/** Where our launches fly. */
export const DESTINATIONS = ["mars", "moon", "pluto", "asteroid_belt", "europa", "titan", "ganymede"] as const;
export type Destination = (typeof DESTINATIONS)[number];

export const DESTINATION_NAMES: Readonly<Record<Destination, string>> = {
  mars: "Mars",
  moon: "Moon",
  pluto: "Pluto",
  asteroid_belt: "Asteroid Belt",
  europa: "Europa",
  titan: "Titan",
  ganymede: "Ganymede",
};
