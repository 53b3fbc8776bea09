/** An amount in minor units of an ISO 4217 currency: { currency: "EUR", amountMinor: 12999 } is 129.99 EUR. */
export interface Money {
  readonly currency: string;
  readonly amountMinor: number;
}

/** The most a seat may cost, in minor units: a booking's total stays a safe integer. */
export const MAX_PRICE_MINOR = 1_000_000_000_000;

const CURRENCY = /^[A-Z]{3}$/;

/** Whether `money` is a price the service accepts (why not, otherwise). */
export function priceProblem(money: Money): string | undefined {
  if (!CURRENCY.test(money.currency)) return "currency must be an ISO 4217 code such as EUR";
  if (!Number.isSafeInteger(money.amountMinor) || money.amountMinor < 0 || money.amountMinor > MAX_PRICE_MINOR) {
    return `amount must be a whole number of minor units from 0 to ${MAX_PRICE_MINOR}`;
  }
  return undefined;
}
