/**
 * Calls `onOutside` when a pointer goes down outside every element `inside` returns (a popup
 * and its button), so clicking elsewhere closes the popup. Returns the remover, for an effect's cleanup.
 */
export function onPointerOutside(inside: () => (Node | undefined)[], onOutside: () => void): () => void {
  const onPointer = (event: PointerEvent): void => {
    if (!inside().some((element) => element?.contains(event.target as Node))) onOutside();
  };
  window.addEventListener('pointerdown', onPointer);
  return () => window.removeEventListener('pointerdown', onPointer);
}
