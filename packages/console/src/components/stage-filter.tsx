import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { CELL_STAGES, type CellStage } from '../stages.ts';

export type StageChoice = CellStage | 'ALL';

/** A select of the board's stages, "Any stage" first: the board's and the batch screen's filter. */
export function StageFilter(props: {
  label: string;
  value: StageChoice;
  onChange: (v: StageChoice) => void;
}) {
  return (
    <Select
      className="select"
      selectedKey={props.value}
      onSelectionChange={(key) => props.onChange(key as StageChoice)}
    >
      <Label>{props.label}</Label>
      <Button className="button select-button">
        <SelectValue />
        <span aria-hidden="true"> ▾</span>
      </Button>
      <Popover className="popover">
        <ListBox className="listbox">
          <ListBoxItem id="ALL" className="option">
            Any stage
          </ListBoxItem>
          {CELL_STAGES.map((s) => (
            <ListBoxItem key={s.stage} id={s.stage} className="option">
              {s.label}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}
