// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { Owned } from "../lib/Owned.sol";

/// @title SystemConfig
/// @notice The L2's owner-managed settings that its nodes read from L1, with the OP Stack `SystemConfig` names,
///         storage of the signer and events, reduced to what Mach uses:
///         - `unsafeBlockSigner()`: the sequencer's signing address (mini-blocks and blocks gossiped to replicas),
///           kept at OP's fixed slot `keccak256("systemconfig.unsafeblocksigner")`;
///         - `batcherHash()`: `bytes32(uint256(uint160(batcher)))` (OP's version-0 batcher hash), which the
///           L1-attributes deposit carries and `BatchInbox` checks `submitBatch` callers against;
///         - `basefeeScalar()`, `blobbasefeeScalar()`: the Ecotone L1 data-fee scalars the L1-attributes deposit
///           carries to `L1Block`, with `scalar()` their OP packing
///           `0x01 ‖ 0… ‖ blobbasefeeScalar u32 ‖ basefeeScalar u32`;
///         - `gasLimit()`: the L2 block gas limit.
///         Every change emits OP's `ConfigUpdate(VERSION, updateType, data)` with OP's data encodings, so a reader
///         can follow changes from logs as op-node does, or read the getters at an L1 block.
contract SystemConfig is Owned {
    /// @notice OP's `SystemConfig.UpdateType` numbering (only the first four are used here).
    enum UpdateType {
        BATCHER,
        FEE_SCALARS,
        GAS_LIMIT,
        UNSAFE_BLOCK_SIGNER
    }

    /// @notice Version of the `ConfigUpdate` data encoding.
    uint256 public constant VERSION = 0;
    /// @notice Storage slot of the unsafe block signer address (OP Stack constant).
    bytes32 public constant UNSAFE_BLOCK_SIGNER_SLOT = keccak256("systemconfig.unsafeblocksigner");

    bytes32 public batcherHash;
    uint64 public gasLimit;
    uint32 public basefeeScalar;
    uint32 public blobbasefeeScalar;

    event ConfigUpdate(uint256 indexed version, UpdateType indexed updateType, bytes data);

    error ZeroGasLimit();

    constructor(
        address _owner,
        address _batcher,
        uint32 _basefeeScalar,
        uint32 _blobbasefeeScalar,
        uint64 _gasLimit,
        address _unsafeBlockSigner
    ) Owned(_owner) {
        // In OP's order of update types, so the creation logs read like the updates that follow them.
        _setBatcherHash(bytes32(uint256(uint160(_batcher))));
        _setGasConfigEcotone(_basefeeScalar, _blobbasefeeScalar);
        _setGasLimit(_gasLimit);
        _setUnsafeBlockSigner(_unsafeBlockSigner);
    }

    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function unsafeBlockSigner() public view returns (address addr_) {
        bytes32 slot = UNSAFE_BLOCK_SIGNER_SLOT;
        assembly {
            addr_ := sload(slot)
        }
    }

    /// @notice OP's packed Ecotone scalar: version byte 1, then `blobbasefeeScalar` and `basefeeScalar` in the low
    ///         64 bits.
    function scalar() public view returns (uint256) {
        return (uint256(0x01) << 248) | (uint256(blobbasefeeScalar) << 32) | uint256(basefeeScalar);
    }

    /// @notice The batcher address `batcherHash` encodes.
    function batcher() external view returns (address) {
        return address(uint160(uint256(batcherHash)));
    }

    function setUnsafeBlockSigner(address _unsafeBlockSigner) external onlyOwner {
        _setUnsafeBlockSigner(_unsafeBlockSigner);
    }

    function setBatcherHash(bytes32 _batcherHash) external onlyOwner {
        _setBatcherHash(_batcherHash);
    }

    function setGasConfigEcotone(uint32 _basefeeScalar, uint32 _blobbasefeeScalar) external onlyOwner {
        _setGasConfigEcotone(_basefeeScalar, _blobbasefeeScalar);
    }

    function setGasLimit(uint64 _gasLimit) external onlyOwner {
        _setGasLimit(_gasLimit);
    }

    function _setUnsafeBlockSigner(address _unsafeBlockSigner) internal {
        bytes32 slot = UNSAFE_BLOCK_SIGNER_SLOT;
        assembly {
            sstore(slot, _unsafeBlockSigner)
        }
        emit ConfigUpdate(VERSION, UpdateType.UNSAFE_BLOCK_SIGNER, abi.encode(_unsafeBlockSigner));
    }

    function _setBatcherHash(bytes32 _batcherHash) internal {
        batcherHash = _batcherHash;
        emit ConfigUpdate(VERSION, UpdateType.BATCHER, abi.encode(_batcherHash));
    }

    function _setGasConfigEcotone(uint32 _basefeeScalar, uint32 _blobbasefeeScalar) internal {
        basefeeScalar = _basefeeScalar;
        blobbasefeeScalar = _blobbasefeeScalar;
        // OP's data is `abi.encode(overhead, scalar)`; the overhead is gone since Ecotone and always 0 here.
        emit ConfigUpdate(VERSION, UpdateType.FEE_SCALARS, abi.encode(uint256(0), scalar()));
    }

    function _setGasLimit(uint64 _gasLimit) internal {
        // OP bounds the limit by its resource metering and a 200M ceiling; Mach's sequencer sizes blocks itself, so
        // only a limit that would stop the chain is refused.
        if (_gasLimit == 0) revert ZeroGasLimit();
        gasLimit = _gasLimit;
        emit ConfigUpdate(VERSION, UpdateType.GAS_LIMIT, abi.encode(_gasLimit));
    }
}
