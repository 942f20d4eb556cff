import { describe, expect, it } from 'vitest';
import { m } from '../paraglide/messages.js';
import { aroundSlot, SLOT } from './slot';

describe('aroundSlot', () => {
  it('splits a message around its element, in each language’s order', () => {
    expect(aroundSlot(m.link_continue_as({ email: SLOT }, { locale: 'en' }))).toEqual([
      'Continue as ',
      ''
    ]);
    expect(aroundSlot(`a${SLOT}b`)).toEqual(['a', 'b']);
    expect(aroundSlot('no slot')).toEqual(['no slot', '']);
  });
});
