// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { IDACertVerifier } from "../../interfaces/IDACertVerifier.sol";
import { Owned } from "../../lib/Owned.sol";
import { SystemConfig } from "../SystemConfig.sol";

/// @title BatchInbox
/// @notice The L1 record of L2 batches: per batch, the L2 block range it carries, the DA provider that holds it and
///         the provider's opaque pointer (EigenDA certificate, Celestia height + commitment, ...). Derivation reads the
///         `BatchSubmitted` events in order. Only the batcher writes: the address `SystemConfig.batcherHash()`
///         names, the one source of truth, also carried to L2 by the L1-attributes deposit. Each batch after the
///         first starts at most one block after the previous batch's last: no gap. It may start earlier, recording
///         blocks again: a sequencer that went back below its recorded range (force inclusion: derivation replaced
///         its blocks after a sequencing window passed) records the rebuilt blocks over the replaced ones; derivation
///         accepts a repeated block only when it equals the one it derived. A provider may have an on-chain certificate check (EigenDA `checkDACert` shape)
///         that must answer SUCCESS before the pointer is accepted.
contract BatchInbox is Owned {
    /// @notice Provider ids (also exported to TypeScript).
    uint8 public constant DA_MEMORY = 0;
    uint8 public constant DA_EIGENDA = 1;
    uint8 public constant DA_CELESTIA = 2;
    /// @notice `checkDACert` success status (EigenDA's `StatusCode.SUCCESS`).
    uint8 internal constant CERT_SUCCESS = 1;

    struct BatchRecord {
        uint64 firstL2Block;
        uint64 lastL2Block;
        uint64 l1BlockNumber;
        uint8 daProvider;
        bytes32 daPointerHash;
    }

    SystemConfig public immutable systemConfig;
    mapping(uint8 => IDACertVerifier) public daCertVerifiers;
    BatchRecord[] internal _batches;

    event BatchSubmitted(
        uint256 indexed batchIndex,
        uint64 firstL2Block,
        uint64 lastL2Block,
        uint8 indexed daProvider,
        bytes daPointer
    );
    event DACertVerifierSet(uint8 indexed daProvider, address verifier);

    error NotBatcher();
    error InvalidBlockRange(uint64 firstL2Block, uint64 lastL2Block);
    error NonContiguousRange(uint64 expectedFirstL2Block, uint64 firstL2Block);
    /// @notice The batch is the newest one already (same range, provider and pointer): a retried submission whose
    ///         first attempt landed. Refused so that a batch is never recorded twice in a row.
    error BatchAlreadyRecorded(uint256 batchIndex);
    error EmptyPointer();
    error InvalidDACert(uint8 status);

    constructor(address _owner, SystemConfig _systemConfig) Owned(_owner) {
        systemConfig = _systemConfig;
    }

    /// @notice The account allowed to submit batches (changed through `SystemConfig.setBatcherHash`).
    function batcher() public view returns (address) {
        return systemConfig.batcher();
    }

    /// @notice Records a batch of L2 blocks `[_firstL2Block, _lastL2Block]` stored on DA provider `_daProvider`.
    function submitBatch(uint64 _firstL2Block, uint64 _lastL2Block, uint8 _daProvider, bytes calldata _daPointer)
        external
        returns (uint256 batchIndex_)
    {
        if (msg.sender != batcher()) revert NotBatcher();
        if (_firstL2Block > _lastL2Block) revert InvalidBlockRange(_firstL2Block, _lastL2Block);
        if (_daPointer.length == 0) revert EmptyPointer();
        batchIndex_ = _batches.length;
        if (batchIndex_ > 0) {
            BatchRecord storage previous = _batches[batchIndex_ - 1];
            uint64 expected = previous.lastL2Block + 1;
            if (_firstL2Block > expected || _firstL2Block == 0) revert NonContiguousRange(expected, _firstL2Block);
            if (
                previous.firstL2Block == _firstL2Block && previous.lastL2Block == _lastL2Block
                    && previous.daProvider == _daProvider && previous.daPointerHash == keccak256(_daPointer)
            ) revert BatchAlreadyRecorded(batchIndex_ - 1);
        }
        IDACertVerifier certVerifier = daCertVerifiers[_daProvider];
        if (address(certVerifier) != address(0)) {
            uint8 status = certVerifier.checkDACert(_daPointer);
            if (status != CERT_SUCCESS) revert InvalidDACert(status);
        }
        _batches.push(
            BatchRecord({
                firstL2Block: _firstL2Block,
                lastL2Block: _lastL2Block,
                l1BlockNumber: uint64(block.number),
                daProvider: _daProvider,
                daPointerHash: keccak256(_daPointer)
            })
        );
        emit BatchSubmitted(batchIndex_, _firstL2Block, _lastL2Block, _daProvider, _daPointer);
    }

    function batchCount() external view returns (uint256) {
        return _batches.length;
    }

    function batches(uint256 _index) external view returns (BatchRecord memory) {
        return _batches[_index];
    }

    /// @notice The last L2 block recorded, or 0 when no batch was recorded yet (check `batchCount`).
    function lastL2Block() external view returns (uint64) {
        return _batches.length == 0 ? 0 : _batches[_batches.length - 1].lastL2Block;
    }

    /// @notice Sets (or with zero, removes) the on-chain certificate check of a provider.
    function setDACertVerifier(uint8 _daProvider, IDACertVerifier _verifier) external onlyOwner {
        daCertVerifiers[_daProvider] = _verifier;
        emit DACertVerifierSet(_daProvider, address(_verifier));
    }
}
