import { ActionIcon, Group } from '@mantine/core';

/**
 * Up and down buttons that move one row of an ordered list (a pipeline's route): real buttons, so Tab reaches them
 * and Enter or Space presses them; each is named after what it moves ("Move Sandbox 2 up").
 */
export function MoveButtons(props: {
  name: string;
  index: number;
  count: number;
  disabled?: boolean;
  onMove: (from: number, to: number) => void;
}) {
  const { name, index, count } = props;
  return (
    <Group gap={4} wrap="nowrap">
      <ActionIcon
        variant="default"
        aria-label={`Move ${name} up`}
        disabled={props.disabled || index === 0}
        onClick={() => props.onMove(index, index - 1)}
      >
        ↑
      </ActionIcon>
      <ActionIcon
        variant="default"
        aria-label={`Move ${name} down`}
        disabled={props.disabled || index === count - 1}
        onClick={() => props.onMove(index, index + 1)}
      >
        ↓
      </ActionIcon>
    </Group>
  );
}

/** The list with one item moved from one position to another. */
export function moved<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}
