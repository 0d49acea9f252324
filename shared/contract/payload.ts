import { z } from 'zod';

/** An event payload schema: shapes come from core itself and are checked at compile time. */
export const payload = <T>() => z.custom<T>(() => true);
