// The program frame's fixed slot every module needs early: where the prologue saves the context pointer.
export const CTX_SLOT = -8;
