/** The seat classes every flight has (a class may have no seats). */
export const SEAT_CLASSES = ["window", "aisle", "middle"] as const;
export type SeatClass = (typeof SEAT_CLASSES)[number];

/** A number per seat class: a flight's capacity or availability, or the seats of a booking. */
export type SeatCounts = Readonly<Record<SeatClass, number>>;

/** No seats at all. */
export const NO_SEATS: SeatCounts = { window: 0, aisle: 0, middle: 0 };

export function isSeatClass(value: string): value is SeatClass {
  return (SEAT_CLASSES as readonly string[]).includes(value);
}

export function totalSeats(seats: SeatCounts): number {
  return seats.window + seats.aisle + seats.middle;
}

/** `a` with `b` added (`sign` 1) or taken away (`sign` -1), class by class. */
export function addSeats(a: SeatCounts, b: SeatCounts, sign: 1 | -1 = 1): SeatCounts {
  return { window: a.window + sign * b.window, aisle: a.aisle + sign * b.aisle, middle: a.middle + sign * b.middle };
}
